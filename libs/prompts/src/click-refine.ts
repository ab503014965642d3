/**
 * Full-resolution click refinement (#13 item 4, after DeepIGeoS, Wang et al. 2018, and geodesic
 * interactive segmentation, Criminisi et al. 2008): the model works on an M x M grid and often
 * ignores a click, so a click alone flips only its forced disc. Here the click side competes with
 * the other side in geodesic distance over the image's own intensities, inside a window scaled
 * to the error the click corrects: pixels geodesically nearer to the click (and to the mask's
 * pixels on the click's side) than to the other side's seeds switch to the click's side. The
 * switched region is the part connected to the click, so a click on a missed lesion grows the mask
 * up to the lesion's edge, and a negative click peels a leak back to the edge the image has.
 */
import { squaredDistanceTransform } from './distance-transform';
import { distanceToOtherSide, type RegionInBox } from './progressive-merge';
import type { ClickPrompt } from './schemas';

export interface ClickRefineOptions {
  /** Cost of an intensity step of one window contrast unit (std), in px of distance. */
  intensityWeight: number;
  /** Window half-size = scale * (distance from the click to the mask's other side) + margin. */
  windowScale: number;
  windowMargin: number;
  /** Largest window half-size (px): bounds the cost of a click far from the mask. */
  maxRadius: number;
  /** The mask's pixels on the click's side seed the click's side too (the edge may move). */
  seedFromMask: boolean;
  /**
   * A pixel switches when its geodesic distance to the click side times this is below its
   * distance to the other side (1: the nearer side; > 1: only pixels clearly nearer).
   */
  distanceRatio: number;
  /** Which clicks are refined. */
  clicks: 'both' | 'positive' | 'negative';
  /**
   * Refine a click only when the model's own output left its pixel on the wrong side (the caller
   * checks this; refineAroundClick does not see the model's output).
   */
  onlyIgnored: boolean;
  /**
   * Negative clicks that `clicks` leaves unrefined: the merge's removals are kept only where the
   * geodesic competition removes too (a model that never saw the object drops all of a region a
   * positive click grew, the part it got right too).
   */
  negativeRestrict: boolean;
  /**
   * Pixels farther than this (px) outside the object's box (when the caller gives one) seed the
   * background side: the annotator's box bounds the object (GrabCut's box prior). Infinity: no
   * box prior.
   */
  boxMargin: number;
  /**
   * The mask's pixels on the other side deeper than this times the click's own distance to that
   * side seed the other side (Infinity: none). The clicker's click sits mid-error: a band of
   * depth d past the mask's edge has its true edge near 2d, and what lies deeper stays.
   */
  depthFactor: number;
  /**
   * Refine only while the mask shown covers at most this share of the object's box (the caller
   * checks it; Infinity: always): a model that missed the object, not one off by an edge.
   */
  maxBoxFill: number;
  /** Refinement refused when it would switch more than this share of the window's pixels. */
  maxWindowShare: number;
  /** Probability written at switched pixels (click side); 1 - this for a negative click. */
  switchedProbability: number;
  /**
   * 3 x 3 box-smooth the luminance first (granular texture is then no edge; a sharp edge's step
   * is split over two pixels, so its boundary may move by one pixel toward the nearer seeds).
   */
  smooth: boolean;
}

export interface ClickRefineResult {
  /** Switched pixels over their box (in the plane's coordinates). */
  switched: RegionInBox;
  switchedArea: number;
  /** Half-size (px) of the window used; 0 when nothing was tried. */
  radius: number;
}

/** The object's box in the plane's pixels (inclusive bounds of pixel indices). */
export interface PlaneBox {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** Luminance (0..1) of a pixel of the plane being refined. */
export type LuminanceAt = (x: number, y: number) => number;

const EMPTY: ClickRefineResult = {
  switched: { x0: 0, y0: 0, width: 0, height: 0, data: new Uint8Array(0) },
  switchedArea: 0,
  radius: 0,
};

/**
 * Refines `probabilities` (width x height, > 0.5 = mask) in place around the last click; `clicks`
 * are all clicks of the object (earlier ones seed their sides too). Pixels farther than the
 * window are never read or written.
 */
export function refineAroundClick(
  probabilities: Float32Array,
  width: number,
  height: number,
  luminanceAt: LuminanceAt,
  clicks: readonly ClickPrompt[],
  options: ClickRefineOptions,
  box: PlaneBox | null = null,
  clickDistance?: number,
): ClickRefineResult {
  const click = clicks[clicks.length - 1];
  if (!click || !Number.isFinite(click.x) || !Number.isFinite(click.y)) return EMPTY;
  if (options.clicks !== 'both' && (options.clicks === 'positive') !== click.positive) return EMPTY;
  const result = clickSideRegion(
    probabilities,
    width,
    height,
    luminanceAt,
    clicks,
    options,
    box,
    clickDistance,
  );
  if (result.switchedArea === 0 || result.switchedArea > options.maxWindowShare * result.windowArea)
    return { ...EMPTY, radius: result.radius };
  const value = click.positive ? options.switchedProbability : 1 - options.switchedProbability;
  const s = result.switched;
  for (let y = 0; y < s.height; y++)
    for (let x = 0; x < s.width; x++)
      if (s.data[y * s.width + x]) probabilities[(s.y0 + y) * width + (s.x0 + x)] = value;
  return { switched: s, switchedArea: result.switchedArea, radius: result.radius };
}

/**
 * The pixels the last click would switch (refineAroundClick's region, before its share cap),
 * without writing them: the geodesic competition of the click's side against the other side.
 */
export function clickSideRegion(
  probabilities: Float32Array,
  width: number,
  height: number,
  luminanceAt: LuminanceAt,
  clicks: readonly ClickPrompt[],
  options: Pick<
    ClickRefineOptions,
    | 'intensityWeight'
    | 'windowScale'
    | 'windowMargin'
    | 'maxRadius'
    | 'seedFromMask'
    | 'smooth'
    | 'distanceRatio'
    | 'boxMargin'
    | 'depthFactor'
  >,
  box: PlaneBox | null = null,
  /**
   * Distance from the click to the mask's other side before the click (default: measured on
   * `probabilities`); pass it when `probabilities` already holds the click's own change.
   */
  clickDistance?: number,
): ClickRefineResult & { windowArea: number } {
  const click = clicks[clicks.length - 1];
  if (!click || !Number.isFinite(click.x) || !Number.isFinite(click.y))
    return { ...EMPTY, windowArea: 0 };
  const cx = Math.floor(click.x);
  const cy = Math.floor(click.y);
  if (cx < 0 || cy < 0 || cx >= width || cy >= height) return { ...EMPTY, windowArea: 0 };
  const d = clickDistance ?? distanceToOtherSide(probabilities, width, height, click);
  const radius = Math.min(
    options.maxRadius,
    Number.isFinite(d) ? options.windowScale * d + options.windowMargin : options.maxRadius,
  );
  const r = Math.floor(radius);
  const x0 = Math.max(0, cx - r);
  const y0 = Math.max(0, cy - r);
  const x1 = Math.min(width - 1, cx + r);
  const y1 = Math.min(height - 1, cy + r);
  const ww = x1 - x0 + 1;
  const wh = y1 - y0 + 1;
  const n = ww * wh;
  if (n < 9) return { ...EMPTY, windowArea: n };
  const positive = click.positive;
  // Window luminance (optionally smoothed) and its spread.
  const raw = new Float32Array(n);
  for (let y = 0; y < wh; y++)
    for (let x = 0; x < ww; x++) raw[y * ww + x] = luminanceAt(x0 + x, y0 + y);
  const lum = options.smooth ? boxSmooth(raw, ww, wh) : raw;
  let sum = 0;
  let sumSq = 0;
  for (let i = 0; i < n; i++) {
    const v = lum[i] as number;
    sum += v;
    sumSq += v * v;
  }
  const mean = sum / n;
  const std = Math.sqrt(Math.max(0, sumSq / n - mean * mean));
  const scale = options.intensityWeight / Math.max(std, 1e-4);
  // Seeds: 1 = click side, 2 = other side. Click side: the click's disc, same-side clicks and
  // (seedFromMask) the mask's pixels on that side; other side: the window's rim on the other side
  // and the other side's clicks. A rim without other-side pixels lets the click fill the window.
  const seed = new Uint8Array(n);
  const onClickSide = (i: number) => (probabilities[i] as number) > 0.5 === positive;
  for (let y = 0; y < wh; y++)
    for (let x = 0; x < ww; x++) {
      const i = (y0 + y) * width + (x0 + x);
      const same = onClickSide(i);
      const px = x0 + x;
      const py = y0 + y;
      const m = options.boxMargin;
      if (box && (px < box.x0 - m || px > box.x1 + m || py < box.y0 - m || py > box.y1 + m))
        seed[y * ww + x] = positive ? 2 : 1;
      else if (same && options.seedFromMask) seed[y * ww + x] = 1;
      else if (!same && (x === 0 || y === 0 || x === ww - 1 || y === wh - 1)) seed[y * ww + x] = 2;
    }
  if (Number.isFinite(options.depthFactor) && Number.isFinite(d)) {
    const other = new Uint8Array(n);
    for (let y = 0; y < wh; y++)
      for (let x = 0; x < ww; x++)
        other[y * ww + x] = onClickSide((y0 + y) * width + (x0 + x)) ? 0 : 1;
    const depth2 = squaredDistanceTransform(other, ww, wh);
    const limit = (options.depthFactor * d) ** 2;
    for (let i = 0; i < n; i++)
      if (other[i] && (depth2[i] as number) > limit && seed[i] === 0) seed[i] = 2;
  }
  for (const c of clicks) {
    if (!Number.isFinite(c.x) || !Number.isFinite(c.y)) continue;
    const side = c.positive === positive ? 1 : 2;
    for (let y = Math.floor(c.y - 1.5); y <= Math.floor(c.y + 1.5); y++)
      for (let x = Math.floor(c.x - 1.5); x <= Math.floor(c.x + 1.5); x++) {
        if (x < x0 || y < y0 || x > x1 || y > y1) continue;
        const dx = x + 0.5 - c.x;
        const dy = y + 0.5 - c.y;
        if (dx * dx + dy * dy <= 2.25) seed[(y - y0) * ww + (x - x0)] = side;
      }
  }
  const toClick = geodesicDistance(seed, 1, lum, ww, wh, scale);
  const toOther = geodesicDistance(seed, 2, lum, ww, wh, scale);
  // The switched region: pixels nearer the click side, flooded from the click's own pixel.
  const nearer = new Uint8Array(n);
  for (let i = 0; i < n; i++)
    nearer[i] = (toClick[i] as number) * options.distanceRatio < (toOther[i] as number) ? 1 : 0;
  const start = (cy - y0) * ww + (cx - x0);
  if (!nearer[start]) return { ...EMPTY, radius, windowArea: n };
  const reached = new Uint8Array(n);
  const stack = new Int32Array(n);
  let top = 0;
  stack[top++] = start;
  reached[start] = 1;
  const switchedAt: number[] = [];
  while (top > 0) {
    const j = stack[--top] as number;
    const jy = (j / ww) | 0;
    const jx = j - jy * ww;
    if (!onClickSide((y0 + jy) * width + (x0 + jx))) switchedAt.push(j);
    for (let ny = Math.max(0, jy - 1); ny <= Math.min(wh - 1, jy + 1); ny++)
      for (let nx = Math.max(0, jx - 1); nx <= Math.min(ww - 1, jx + 1); nx++) {
        const k = ny * ww + nx;
        if (nearer[k] && !reached[k]) {
          reached[k] = 1;
          stack[top++] = k;
        }
      }
  }
  const data = new Uint8Array(n);
  for (const j of switchedAt) data[j] = 1;
  return {
    switched: { x0, y0, width: ww, height: wh, data },
    switchedArea: switchedAt.length,
    radius,
    windowArea: n,
  };
}

/** 3 x 3 box mean (edges averaged over the pixels that exist). */
function boxSmooth(plane: Float32Array, w: number, h: number): Float32Array {
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      let s = 0;
      let k = 0;
      for (let ny = Math.max(0, y - 1); ny <= Math.min(h - 1, y + 1); ny++)
        for (let nx = Math.max(0, x - 1); nx <= Math.min(w - 1, x + 1); nx++) {
          s += plane[ny * w + nx] as number;
          k++;
        }
      out[y * w + x] = s / k;
    }
  return out;
}

/**
 * Geodesic distance from the pixels with seed === label: a step between 8-neighbours costs its
 * length plus scale * |luminance difference|. Two forward/backward raster sweeps (Toivanen 1996),
 * enough for the short paths inside a click's window.
 */
export function geodesicDistance(
  seed: Uint8Array,
  label: number,
  lum: Float32Array,
  w: number,
  h: number,
  scale: number,
): Float32Array {
  const n = w * h;
  const dist = new Float32Array(n).fill(Infinity);
  for (let i = 0; i < n; i++) if (seed[i] === label) dist[i] = 0;
  const relax = (i: number, j: number, length: number) => {
    const v =
      (dist[j] as number) + length + scale * Math.abs((lum[i] as number) - (lum[j] as number));
    if (v < (dist[i] as number)) dist[i] = v;
  };
  for (let pass = 0; pass < 2; pass++) {
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        const i = y * w + x;
        if (x > 0) relax(i, i - 1, 1);
        if (y > 0) {
          relax(i, i - w, 1);
          if (x > 0) relax(i, i - w - 1, Math.SQRT2);
          if (x < w - 1) relax(i, i - w + 1, Math.SQRT2);
        }
      }
    for (let y = h - 1; y >= 0; y--)
      for (let x = w - 1; x >= 0; x--) {
        const i = y * w + x;
        if (x < w - 1) relax(i, i + 1, 1);
        if (y < h - 1) {
          relax(i, i + w, 1);
          if (x < w - 1) relax(i, i + w + 1, Math.SQRT2);
          if (x > 0) relax(i, i + w - 1, Math.SQRT2);
        }
      }
  }
  return dist;
}
