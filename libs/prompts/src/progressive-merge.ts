/**
 * Progressive merge (FocalClick, Chen et al. 2022, section 3.3): a corrective click should change
 * the mask where the annotator clicked, not somewhere else. After a click the model's new mask is
 * accepted only in the region it changed in the click's direction (pixels added for a positive
 * click, removed for a negative one) that is connected to the click; everywhere else the mask
 * shown before the click is kept. A model that redraws the whole object on every click (the
 * mask prompt drifting, a far-away edge moving) can then no longer undo earlier corrections.
 *
 * The region is also kept inside a window around the click scaled to the error it corrects (the
 * focus region of FocalClick): pixels farther from the click than windowScale * d + windowMargin,
 * with d the distance from the click to the nearest pixel the previous mask has on the other side
 * (the edge the click is correcting from), are left as they were. A click 3 px outside the mask
 * can so add a few pixels around it, not flood a neighbouring structure.
 */
import type { CropTransform } from './crop';
import { PromptError } from './errors';
import type { ClickPrompt } from './schemas';

/** Changed pixels within this distance (image px) of the click seed the merged region. */
export const PROGRESSIVE_MERGE_SEED_RADIUS = 2;
/**
 * Window radius = scale * (distance from the click to the previous mask's edge) + margin (px).
 * Looser windows (3d + 4, or an object-size term) added harmful clicks on the starter's training
 * seeds for no NoC@90 gain (#13).
 */
export const PROGRESSIVE_MERGE_WINDOW = { scale: 2, margin: 2 } as const;
/**
 * Default levelMargin (logits). On the starter's training seeds (synthetic 1001 / 1003, DRIVE
 * pseudo-FA 11) 1.5 cut the clicks lowering IoU by > 0.01 on synthetic 1001 from 11 to 5 and
 * NoC@90 from 6.71 to 6.67; 0.5 and 1 cut more harmful clicks but raised NoC@90, 2.5 cut fewer
 * (#13).
 */
export const PROGRESSIVE_MERGE_LEVEL_MARGIN = 1.5;

export interface ProgressiveMergeOptions {
  /** Probability above which a pixel is foreground (default 0.5: logit 0, the mask shown). */
  threshold?: number;
  /** Changed pixels whose centre is within this radius of the click seed the region. */
  seedRadius?: number;
  /** Window of the region: scale * d + margin px around the click; scale Infinity: no window. */
  windowScale?: number;
  windowMargin?: number;
  /**
   * Object-size term of the window: adds windowAreaScale * sqrt(previous foreground area) px to
   * its radius (default 0), so a click on a large object may move more of its edge.
   */
  windowAreaScale?: number;
  /**
   * Whole-mask acceptance: when the new mask agrees with the previous one outside the window
   * (IoU of their foregrounds over the pixels outside it >= this; both empty there counts as 1),
   * the model's change is local to the click and the whole new mask is taken, changes against
   * the click's direction and unconnected ones near it included. Default Infinity: never.
   */
  acceptAgreement?: number;
  /**
   * Confidence level of the click: only pixels the previous mask was at most this much (logit)
   * more sure of than of the clicked pixel are changed. A negative click in a 1-2 px band of
   * false positives then peels that band, not the confident interior behind it; a click deep in
   * a wrong region (a confident pixel) still lets the model redraw all of it. Default
   * PROGRESSIVE_MERGE_LEVEL_MARGIN; Infinity: no level limit.
   */
  levelMargin?: number;
  /**
   * A box (inclusive pixel bounds) outside which neither `previous` nor `next` is above the
   * threshold, when the caller knows one (a click's crop on a wide-field image): the merge then
   * reads only inside it. A box that is not one changes the result; absent: the whole plane.
   */
  foregroundWithin?: { x0: number; y0: number; x1: number; y1: number };
  /**
   * A box (inclusive pixel bounds) outside which `previous` is not above the threshold (the mask
   * shown's foreground, which the caller keeps). With `next` given as its 0/1 plane (above), the
   * pixels outside it are read only where `next` is 1, found by native scans: a noisy output's
   * stray pixels far off then cost what they are, not the rows they lie on. Same result.
   */
  previousWithin?: { x0: number; y0: number; x1: number; y1: number };
  /**
   * `previous` is the caller's to give up: the merged probabilities are written into it and it is
   * returned as the result's `probabilities` (no copy of the plane; unless the whole new mask is
   * taken). Default false: `previous` is left as it was.
   */
  inPlace?: boolean;
  /**
   * `previous` may hold NaN at pixels below the threshold and +Infinity at pixels above it whose
   * probability was not computed (a wide crop's mask shown: pasteProbabilitiesAboveHalf,
   * pasteUncomputedProbabilities); this gives such a pixel's value when the merge needs it (the
   * click's level, the changed pixels). Only at the default threshold 0.5.
   */
  previousAt?: (index: number) => number;
}

/** A 0/1 plane over a box of a larger one (x0/y0 its top-left there), 0 outside the box. */
export interface RegionInBox {
  x0: number;
  y0: number;
  width: number;
  height: number;
  data: Uint8Array;
}

/**
 * The model's new prediction without its whole probability plane (a click on a wide-field image
 * pastes no sigmoid over the crop): which pixels are above `threshold`, and the probability of a
 * pixel on demand (the region's pixels; all of them only when the whole mask is taken). It must
 * give the same merge as the Float32Array it stands for.
 */
export interface PredictionAboveThreshold {
  /** 1 where the probability is > threshold (width x height, row by row). */
  above: Uint8Array;
  /** Must equal the merge's threshold option. */
  threshold: number;
  probabilityAt(index: number): number;
  probabilities(): Float32Array;
}

export interface ProgressiveMergeResult {
  /** `previous` outside the region, `next` inside it (a new array, or `previous` when inPlace). */
  probabilities: Float32Array;
  /** 1 where the new prediction was taken (0/1, width x height; built when first read). */
  readonly region: Uint8Array;
  /** `region` over the box of the pixels it can hold (what mergeLogitsInRegion needs, no plane). */
  regionInBox: RegionInBox;
  /** Pixels taken from `next`. */
  regionArea: number;
  /** Pixels where `next` differs from `previous` (either direction, anywhere). */
  changedArea: number;
  /** Radius (px) of the window around the click (Infinity: none, e.g. an empty previous mask). */
  windowRadius: number;
  /** True when the whole new mask was taken (acceptAgreement); region is then all ones. */
  acceptedWhole: boolean;
  /** IoU of previous and new foregrounds outside the window (1 when both are empty there). */
  outsideAgreement: number;
}

/**
 * Distance from the click to the nearest pixel centre whose `plane > threshold` differs from the
 * click pixel's (Infinity when there is none), by square rings around the click.
 */
export function distanceToOtherSide(
  plane: Float32Array,
  width: number,
  height: number,
  click: { x: number; y: number },
  threshold = 0.5,
): number {
  const cx = Math.min(width - 1, Math.max(0, Math.floor(click.x)));
  const cy = Math.min(height - 1, Math.max(0, Math.floor(click.y)));
  const side = (plane[cy * width + cx] as number) > threshold;
  let best = Infinity;
  const maxRing = Math.max(cx, cy, width - 1 - cx, height - 1 - cy);
  const visit = (x: number, y: number) => {
    if (x < 0 || y < 0 || x >= width || y >= height) return;
    if ((plane[y * width + x] as number) > threshold === side) return;
    const d = Math.hypot(x + 0.5 - click.x, y + 0.5 - click.y);
    if (d < best) best = d;
  };
  // A pixel on ring r (Chebyshev distance r from the click pixel) is at least r - 1 away.
  for (let r = 0; r <= maxRing && r - 1 <= best; r++) {
    if (r === 0) {
      visit(cx, cy);
      continue;
    }
    for (let x = cx - r; x <= cx + r; x++) {
      visit(x, cy - r);
      visit(x, cy + r);
    }
    for (let y = cy - r + 1; y <= cy + r - 1; y++) {
      visit(cx - r, y);
      visit(cx + r, y);
    }
  }
  return best;
}

/**
 * `previous` and `next` are full-resolution probabilities (width x height) of the mask shown
 * before the click and the model's prediction after it. The region is the union of the
 * 8-connected components of directionally changed pixels that have a pixel within seedRadius of
 * the click; it is empty (the previous mask comes back unchanged) when the model did not change
 * the mask near the click.
 */
export function progressiveMerge(
  previous: Float32Array,
  next: Float32Array | PredictionAboveThreshold,
  width: number,
  height: number,
  click: ClickPrompt,
  options: ProgressiveMergeOptions = {},
): ProgressiveMergeResult {
  const n = width * height;
  const threshold = options.threshold ?? 0.5;
  const nextPlane = next instanceof Float32Array ? next : null;
  const nextAbove = next instanceof Float32Array ? null : next.above;
  const nextLength = nextPlane ? nextPlane.length : (nextAbove as Uint8Array).length;
  if (!nextPlane && (next as PredictionAboveThreshold).threshold !== threshold)
    throw new PromptError(
      'next',
      `is thresholded at ${(next as PredictionAboveThreshold).threshold}, the merge at ${threshold}`,
    );
  const isAbove = (i: number): boolean =>
    nextAbove ? nextAbove[i] === 1 : (nextPlane?.[i] as number) > threshold;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0)
    throw new PromptError('size', `must be positive integers, got ${width}x${height}`);
  if (previous.length !== n || nextLength !== n)
    throw new PromptError(
      'probabilities',
      `previous (${previous.length}) and next (${nextLength}) must both be ${width}x${height} = ${n}`,
    );
  if (!Number.isFinite(click.x) || !Number.isFinite(click.y))
    throw new PromptError('click', `must have finite x/y, got (${click.x}, ${click.y})`);
  const radius = options.seedRadius ?? PROGRESSIVE_MERGE_SEED_RADIUS;
  const levelMargin = options.levelMargin ?? PROGRESSIVE_MERGE_LEVEL_MARGIN;
  // Logit the previous mask had at the click, on the side the click removes (negative: its
  // foreground logit; positive: its background logit): pixels surer than this + margin stay.
  const sure = (p: number) => (click.positive ? -logitOf(p) : logitOf(p));
  const cx = Math.min(width - 1, Math.max(0, Math.floor(click.x)));
  const cy = Math.min(height - 1, Math.max(0, Math.floor(click.y)));
  const previousAt = options.previousAt;
  if (previousAt && threshold !== 0.5)
    throw new PromptError(
      'previousAt',
      `stands for pixels below 0.5, the merge is at ${threshold}`,
    );
  const previousValue = (i: number): number => {
    const p = previous[i] as number;
    // NaN and +Infinity stand for values not computed.
    if (p === p && p !== Infinity) return p;
    if (!previousAt)
      throw new PromptError('previous', `is ${p} at pixel ${i} and no previousAt gives its value`);
    return previousAt(i);
  };
  const level = sure(previousValue(cy * width + cx)) + levelMargin;
  // Everything below works inside bounding boxes, so a click on a wide-field image costs what the
  // object costs, not the image: `changed` bounds the directional pixels (components cannot leave
  // it), `either` bounds both foregrounds (the agreement outside the window is zero elsewhere).
  const changed = { x0: width, y0: height, x1: -1, y1: -1 };
  const either = { x0: width, y0: height, x1: -1, y1: -1 };
  const directionalAt: number[] = [];
  let changedArea = 0;
  const within = options.foregroundWithin;
  const readX0 = within ? Math.max(0, within.x0) : 0;
  const readX1 = within ? Math.min(width - 1, within.x1) : width - 1;
  const readY0 = within ? Math.max(0, within.y0) : 0;
  const readY1 = within ? Math.min(height - 1, within.y1) : height - 1;
  // A changed pixel (rare) is handled apart; the scan itself keeps the row's first and last
  // foreground pixel in locals and reads `next` without a call (this is most of a click's work).
  const onChanged = (i: number, x: number, y: number, after: boolean) => {
    changedArea++;
    if (after !== click.positive) return;
    if (sure(previousValue(i)) > level) return;
    directionalAt.push(i);
    if (x < changed.x0) changed.x0 = x;
    if (x > changed.x1) changed.x1 = x;
    if (y < changed.y0) changed.y0 = y;
    if (y > changed.y1) changed.y1 = y;
  };
  const previousBox = nextAbove ? options.previousWithin : undefined;
  for (let y = readY0; y <= readY1; y++) {
    let rowFirst = -1;
    let rowLast = -1;
    const rowStart = y * width;
    if (nextAbove) {
      // Columns m0..m1 may hold `previous` above the threshold; left and right of them each 1 of
      // `next` is a changed pixel (previous is below there), found by native scans.
      const [m0, m1] = columnsWithin(previousBox, y, readX0, readX1);
      const onlyNext = (a: number, b: number) => {
        if (a > b) return;
        const segment = nextAbove.subarray(rowStart + a, rowStart + b + 1);
        for (let u = segment.indexOf(1); u >= 0; u = segment.indexOf(1, u + 1)) {
          const x = a + u;
          if (rowFirst < 0) rowFirst = x;
          rowLast = x;
          onChanged(rowStart + x, x, y, true);
        }
      };
      onlyNext(readX0, Math.min(m0 - 1, readX1));
      for (let x = m0, i = rowStart + m0; x <= m1; x++, i++) {
        const before = (previous[i] as number) > threshold;
        const after = nextAbove[i] === 1;
        if (!before && !after) continue;
        if (rowFirst < 0) rowFirst = x;
        rowLast = x;
        if (before !== after) onChanged(i, x, y, after);
      }
      onlyNext(m1 + 1, readX1);
    } else
      for (let x = readX0, i = rowStart + readX0; x <= readX1; x++, i++) {
        const before = (previous[i] as number) > threshold;
        const after = ((nextPlane as Float32Array)[i] as number) > threshold;
        if (!before && !after) continue;
        if (rowFirst < 0) rowFirst = x;
        rowLast = x;
        if (before !== after) onChanged(i, x, y, after);
      }
    if (rowFirst < 0) continue;
    if (rowFirst < either.x0) either.x0 = rowFirst;
    if (rowLast > either.x1) either.x1 = rowLast;
    if (y < either.y0) either.y0 = y;
    if (y > either.y1) either.y1 = y;
  }
  const subWidth = Math.max(0, changed.x1 - changed.x0 + 1);
  const subHeight = Math.max(0, changed.y1 - changed.y0 + 1);
  const sub = new Uint8Array(subWidth * subHeight);
  for (const i of directionalAt) {
    const y = (i / width) | 0;
    sub[(y - changed.y0) * subWidth + (i - y * width - changed.x0)] = 1;
  }
  // The components holding a seed (a directional pixel within `radius` of the click), flooded
  // from the seeds alone: the other components, often most of a wide crop's, are never visited.
  const reached = new Uint8Array(subWidth * subHeight);
  const stack = new Int32Array(directionalAt.length);
  const flood = (start: number) => {
    let top = 0;
    stack[top++] = start;
    reached[start] = 1;
    while (top > 0) {
      const j = stack[--top] as number;
      const sy = (j / subWidth) | 0;
      const sx = j - sy * subWidth;
      for (let ny = Math.max(0, sy - 1); ny <= Math.min(subHeight - 1, sy + 1); ny++)
        for (let nx = Math.max(0, sx - 1); nx <= Math.min(subWidth - 1, sx + 1); nx++) {
          const k = ny * subWidth + nx;
          if (sub[k] && !reached[k]) {
            reached[k] = 1;
            stack[top++] = k;
          }
        }
    }
  };
  const reachedAt = (x: number, y: number): boolean =>
    x >= changed.x0 &&
    x <= changed.x1 &&
    y >= changed.y0 &&
    y <= changed.y1 &&
    reached[(y - changed.y0) * subWidth + (x - changed.x0)] === 1;
  let seeded = false;
  const r2 = radius * radius;
  const x0 = Math.max(0, Math.floor(click.x - radius));
  const x1 = Math.min(width - 1, Math.floor(click.x + radius));
  const y0 = Math.max(0, Math.floor(click.y - radius));
  const y1 = Math.min(height - 1, Math.floor(click.y + radius));
  for (let y = y0; y <= y1; y++)
    for (let x = x0; x <= x1; x++) {
      const dx = x + 0.5 - click.x;
      const dy = y + 0.5 - click.y;
      if (x < changed.x0 || x > changed.x1 || y < changed.y0 || y > changed.y1) continue;
      const k = (y - changed.y0) * subWidth + (x - changed.x0);
      if (!sub[k] || dx * dx + dy * dy > r2) continue;
      seeded = true;
      if (!reached[k]) flood(k);
    }
  const scale = options.windowScale ?? PROGRESSIVE_MERGE_WINDOW.scale;
  const margin = options.windowMargin ?? PROGRESSIVE_MERGE_WINDOW.margin;
  const areaScale = options.windowAreaScale ?? 0;
  let previousArea = 0;
  if (areaScale !== 0)
    for (let i = 0; i < n; i++) if ((previous[i] as number) > threshold) previousArea++;
  const windowRadius =
    seeded && Number.isFinite(scale)
      ? scale * distanceToOtherSide(previous, width, height, click, threshold) +
        margin +
        areaScale * Math.sqrt(previousArea)
      : Infinity;
  const w2 = windowRadius * windowRadius;
  const outsideAgreement = agreementOutside(
    previous,
    isAbove,
    width,
    either,
    click,
    w2,
    threshold,
    nextAbove,
    previousBox,
  );
  if (
    seeded &&
    Number.isFinite(windowRadius) &&
    outsideAgreement >= (options.acceptAgreement ?? Infinity)
  ) {
    const all = new Uint8Array(n).fill(1);
    return {
      probabilities: nextPlane
        ? nextPlane.slice()
        : (next as PredictionAboveThreshold).probabilities(),
      region: all,
      regionInBox: { x0: 0, y0: 0, width, height, data: all },
      regionArea: n,
      changedArea,
      windowRadius,
      acceptedWhole: true,
      outsideAgreement,
    };
  }
  const probabilities = options.inPlace ? previous : previous.slice();
  // The region lies among the directional pixels: kept over their box, the plane built on demand.
  const regionInBox: RegionInBox = {
    x0: changed.x0,
    y0: changed.y0,
    width: subWidth,
    height: subHeight,
    data: new Uint8Array(subWidth * subHeight),
  };
  let regionArea = 0;
  if (seeded)
    for (const i of directionalAt) {
      const y = (i / width) | 0;
      const x = i - y * width;
      if (!reachedAt(x, y)) continue;
      const dx = x + 0.5 - click.x;
      const dy = y + 0.5 - click.y;
      if (dx * dx + dy * dy > w2) continue;
      regionInBox.data[(y - changed.y0) * subWidth + (x - changed.x0)] = 1;
      regionArea++;
      probabilities[i] = nextPlane
        ? (nextPlane[i] as number)
        : (next as PredictionAboveThreshold).probabilityAt(i);
    }
  let region: Uint8Array | null = null;
  return {
    probabilities,
    get region(): Uint8Array {
      region ??= regionPlane(regionInBox, width, height);
      return region;
    },
    regionInBox,
    regionArea,
    changedArea,
    windowRadius,
    acceptedWhole: false,
    outsideAgreement,
  };
}

/** A box's region pasted into a zero width x height plane. */
function regionPlane(box: RegionInBox, width: number, height: number): Uint8Array {
  const plane = new Uint8Array(width * height);
  for (let y = 0; y < box.height; y++)
    plane.set(box.data.subarray(y * box.width, (y + 1) * box.width), (box.y0 + y) * width + box.x0);
  return plane;
}

/** Logit of a probability, clamped to +-LOGIT_CLAMP (forced pixels are exactly 0 or 1). */
function logitOf(p: number): number {
  const q = Math.min(1 - 1e-9, Math.max(1e-9, p));
  return Math.max(-LOGIT_CLAMP, Math.min(LOGIT_CLAMP, Math.log(q / (1 - q))));
}
const LOGIT_CLAMP = 20;

/**
 * IoU of the two foregrounds over the pixels farther than sqrt(w2) from the click (empty: 1), read
 * within `bounds`, the box holding both foregrounds.
 */
function agreementOutside(
  previous: Float32Array,
  nextAbove: (index: number) => boolean,
  width: number,
  bounds: { x0: number; y0: number; x1: number; y1: number },
  click: { x: number; y: number },
  w2: number,
  threshold: number,
  /** next's 0/1 plane, with previousBox (see previousWithin): outside the box only its 1s are read. */
  nextPlane: Uint8Array | null = null,
  previousBox?: { x0: number; y0: number; x1: number; y1: number },
): number {
  let both = 0;
  let either = 0;
  for (let y = bounds.y0; y <= bounds.y1; y++) {
    const dy = y + 0.5 - click.y;
    const [m0, m1] = nextPlane
      ? columnsWithin(previousBox, y, bounds.x0, bounds.x1)
      : [bounds.x0, bounds.x1];
    for (let x = m0; x <= m1; x++) {
      const dx = x + 0.5 - click.x;
      if (dx * dx + dy * dy <= w2) continue;
      const a = (previous[y * width + x] as number) > threshold;
      const b = nextAbove(y * width + x);
      if (a && b) both++;
      if (a || b) either++;
    }
    if (!nextPlane) continue;
    // Outside the box previous is below: a pixel counts when next is 1 there (and not near).
    for (const [a, b] of [
      [bounds.x0, m0 - 1],
      [m1 + 1, bounds.x1],
    ] as const) {
      if (a > b) continue;
      const segment = nextPlane.subarray(y * width + a, y * width + b + 1);
      for (let u = segment.indexOf(1); u >= 0; u = segment.indexOf(1, u + 1)) {
        const dx = a + u + 0.5 - click.x;
        if (dx * dx + dy * dy > w2) either++;
      }
    }
  }
  return either === 0 ? 1 : both / either;
}

/**
 * Columns x0..x1 of row y that `box` covers (inclusive), within from..to: [to + 1, to] when none.
 * No box: all of them.
 */
function columnsWithin(
  box: { x0: number; y0: number; x1: number; y1: number } | undefined,
  y: number,
  from: number,
  to: number,
): [number, number] {
  if (!box) return [from, to];
  if (y < box.y0 || y > box.y1) return [to + 1, to];
  const m0 = Math.max(from, box.x0);
  const m1 = Math.min(to, box.x1);
  return m0 <= m1 ? [m0, m1] : [to + 1, to];
}

/**
 * The mask prompt that matches a merged mask: M x M logits over `crop` taking `next` in the cells
 * whose centre falls on a region pixel and `previous` elsewhere (cells outside the image keep
 * `previous`). Both logit planes must be over the same crop. `region` is the width x height plane
 * or its box (ProgressiveMergeResult.regionInBox: 0 outside it).
 */
export function mergeLogitsInRegion(
  previous: Float32Array,
  next: Float32Array,
  maskSize: number,
  crop: CropTransform,
  region: Uint8Array | RegionInBox,
  width: number,
  height: number,
): Float32Array {
  const m = maskSize;
  if (previous.length !== m * m || next.length !== m * m)
    throw new PromptError('logits', `previous and next must both be maskSize^2 = ${m * m}`);
  const box: RegionInBox =
    region instanceof Uint8Array ? { x0: 0, y0: 0, width, height, data: region } : region;
  if (
    box.data.length !== box.width * box.height ||
    box.x0 < 0 ||
    box.y0 < 0 ||
    box.x0 + box.width > width ||
    box.y0 + box.height > height
  )
    throw new PromptError(
      'region',
      region instanceof Uint8Array
        ? `length ${region.length} is not ${width}x${height}`
        : `box ${box.width}x${box.height} at (${box.x0}, ${box.y0}) does not fit ${width}x${height}`,
    );
  const out = previous.slice();
  const cell = crop.size / m;
  for (let j = 0; j < m; j++) {
    const y = Math.floor(crop.y0 + (j + 0.5) * cell) - box.y0;
    if (y < 0 || y >= box.height) continue;
    for (let i = 0; i < m; i++) {
      const x = Math.floor(crop.x0 + (i + 0.5) * cell) - box.x0;
      if (x < 0 || x >= box.width) continue;
      if (box.data[y * box.width + x]) out[j * m + i] = next[j * m + i] as number;
    }
  }
  return out;
}
