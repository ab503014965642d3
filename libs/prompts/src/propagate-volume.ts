/**
 * Slice-to-slice propagation of one object through a volume (SAM2's medical recipe: a scan is a
 * video). From a seed slice the loop walks forward, then backward; each slice is prompted with the
 * previous slice's mask as a slightly dilated box, optionally a positive click on its deepest
 * interior point, and the previous slice's M x M logits as SAM's mask prompt (`maskInput`, in the
 * previous slice's crop: the caller moves them into the new crop with resampleLogits). It stops where the object ends (predicted IoU or area below a threshold, or the mask jumping away)
 * and never overwrites a slice the annotator prompted or edited: the walk stops there, because that
 * slice is itself the start of its own propagation. Pure: the model is the caller's `predict`.
 */
import { squaredDistanceTransform } from './distance-transform';
import type { CropTransform } from './crop';
import type { Mask } from './mask';
import { maskContrast, type GreyImage } from './mask-contrast';
import { intersectionArea, maskArea, maskBoundingBox } from './mask-ops';
import { resampleLogits } from './resample-logits';
import { pasteMaskLogits } from './sample';
import type { Box, ClickPrompt } from './schemas';
import { trimToContrast } from './trim-to-contrast';

/** How a slice's mask came to be: the annotator's prompt, propagation, or a correction. */
export type SliceOrigin = 'prompted' | 'propagated' | 'edited';

export interface SliceMask {
  mask: Uint8Array;
  origin: SliceOrigin;
}

/** A decoder output's M x M low-resolution logits and the crop they cover. */
export interface MaskLogits {
  values: Float32Array;
  maskSize: number;
  crop: CropTransform;
}

export interface SlicePrediction {
  /** 0/1 mask at full slice resolution. */
  mask: Uint8Array;
  /** The model's predicted IoU for that mask. */
  iou: number;
  /** The logits of that mask, for the next slice's mask prompt (absent: the next gets none). */
  logits?: MaskLogits | null;
}

export interface SlicePrompt {
  box: Box;
  /** A positive click inside the previous mask (empty when `interiorClick` is off). */
  clicks: ClickPrompt[];
  /**
   * The previous slice's logits in the previous slice's crop (null when `maskPrompt` is off or
   * the previous slice has none, e.g. a painted one). Resample them into this slice's crop.
   */
  maskInput: MaskLogits | null;
}

/** Runs the model on `slice` with `prompt`, the previous slice's mask beside it. */
export type PredictSlice = (
  slice: number,
  prompt: SlicePrompt,
  previous: Mask,
) => Promise<SlicePrediction>;

export interface PropagationThresholds {
  /** Stop when the predicted IoU falls below this (default 0.5). */
  minIou: number;
  /**
   * Stop when the predicted IoU falls more than this below the mean of the walk's slices so far
   * (default Infinity: off): the IoU head's level differs from object to object, its drop is what
   * marks the end.
   */
  maxIouDrop: number;
  /** Stop when the mask has fewer pixels than this (default 6). */
  minArea: number;
  /** Stop when the mask shrinks below this share of the previous slice's (default 0.2). */
  minAreaRatio: number;
  /**
   * Stop when the mask grows past this multiple of the previous slice's (default 1.3): a
   * box-prompted model that fills its box grows slice after slice once the object has ended.
   */
  maxAreaRatio: number;
  /** Stop when less than this share of the new mask overlaps the previous one (default 0.2). */
  minOverlap: number;
  /**
   * Stop when, after the walk has shrunk the mask below `regrowAfterShrink` of the start slice's
   * area, the mask grows back past this multiple of the smallest area it had (default Infinity:
   * off). Walking out from where an object is largest, a mask that shrank with the object and then
   * grows again slice after slice (each step under maxAreaRatio) has left it for what lies around.
   * A walk that never shrank (from a correction on a small end slice inwards) is not affected.
   * Below 1 it is a stall stop: a mask that shrinks by less than 1 - this a slice (after shrinking
   * below regrowAfterShrink) has let go of the tapering lesion, as the box-filling model keeps about
   * its box's size on whatever lies there. 0.97 (was 1.2) raised one-box Dice on every tuning seed
   * (bench/loop/volume-tune.ts stall-0.97: 4402-4405).
   */
  maxRegrowth: number;
  regrowAfterShrink: number;
  /**
   * The box is the previous mask's box grown by round(this share of its side) per side (default
   * -0.04: a negative share shrinks it, here by one pixel once a side reaches 13 px)...
   */
  dilateFraction: number;
  /** ...by at least this many pixels; a negative value caps the shrink at -this (default -1). */
  dilateMinPx: number;
  /**
   * Motion memory (in the spirit of SAMURAI's motion-aware SAM2 memory): each edge of the box also
   * moves by this share of how far that edge of the mask moved between the last two slices (default
   * 0: off). A box-prompted model fills its box, so without it the box lags one pixel a slice
   * behind an object that shrinks towards its end, and never lets go of the texture where it was;
   * with it the box keeps shrinking at the object's pace and collapses past the end ('too-small').
   */
  boxMomentum: number;
  /** Each edge's motion step is capped at this share of the box side, at least 1 px (default 0.25). */
  maxMomentumStep: number;
  /**
   * Stop where the object ends by how it stands out (needs `image`): when a slice's mask contrast
   * (maskContrast: mean inside minus the ring `contrastGapPx`..`contrastGapPx + contrastRingPx`
   * outside) falls below this share of the seed slice's (default 0.8; -Infinity: off). Past the
   * end a box-prompted model keeps a confident mask on whatever lies in its box, but that does not
   * stand out like the object did. Picked on tuning volumes (bench/loop/volume-tune.ts, seed 4402).
   */
  minContrastRatio: number;
  /**
   * What the contrast stop compares with (default 'clearest'): the clearest slice the annotator
   * made, or 'start' the slice this walk starts from only (a correction on a faint end slice then
   * walks on while the object stays as faint as there).
   */
  contrastReference: 'clearest' | 'start';
  contrastRingPx: number;
  contrastGapPx: number;
  /**
   * A per-object adaptive threshold (needs `image`, trimToContrast): each propagated mask keeps
   * only the pixels that stand out from its ring by at least this share of the annotated slice's
   * contrast (default -Infinity: off). Where the object tapers off, the box-filling model's mask
   * stays the size of its box; this trims it to the object.
   */
  trimShare: number;
  /**
   * What the trimmed mask feeds besides the result (default 'box'): 'output' nothing (the walk
   * runs on the model's masks), 'box' the next slice's box (the stops still judge the model's
   * mask: a trimmed mask stands out more, and would hide the object's end from the contrast
   * stop), 'walk' the box and the stops.
   */
  trimFeeds: 'output' | 'box' | 'walk';
  /** Add a positive click on the previous mask's deepest point (default false). */
  interiorClick: boolean;
  /**
   * SAM2-style point memory: negative clicks on the previous slice's confident exterior inside the
   * box, at most one per box quadrant, on the pixel there farthest from the previous mask and at
   * least `negativeMinPx` from it (default 0: none). A box-prompted model fills its box; these
   * tell it which of the box's corners the object did not reach. With clicks the page takes the
   * single-mask output, as for any click. Two (at 2 px) beat the default on tuning seed 4402
   * (0.807 -> 0.834 one-box Dice, the two leaking lesions stopped sooner) but not on the volume
   * bench's evaluation seed (0.809 -> 0.794), so they stay off.
   */
  exteriorClicks: number;
  negativeMinPx: number;
  /**
   * The box comes from the previous slice's confident core: its logits above this level (pasted
   * to slice pixels) instead of its mask (logit > 0) (default 0: the mask). Where an object
   * tapers off, the box-filling model's logits stay highest where the object still is.
   */
  boxLogitLevel: number;
  /** Give the previous slice's logits as mask prompt (default true; models without one ignore it). */
  maskPrompt: boolean;
  /**
   * A memory in SAM2's spirit for the mask prompt: the mean of the last this-many slices' logits
   * (each moved into the latest one's crop; default 1: the previous slice's only)...
   */
  logitMemory: number;
  /** ...blended with the annotated slice's logits at this weight (SAM2's conditioning frame; default 0). */
  seedLogitWeight: number;
}

/**
 * Measured by bench:volume (bench/results/volume.json `variants`): a box prompt makes the starter
 * fill the box, so a grown box ratchets the mask outward slice after slice while the lesion
 * shrinks; a box shrunk by one pixel per side and no click followed the lesion best.
 */
export const DEFAULT_PROPAGATION: PropagationThresholds = {
  minIou: 0.5,
  maxIouDrop: Infinity,
  minArea: 6,
  minAreaRatio: 0.2,
  maxAreaRatio: 1.3,
  minOverlap: 0.2,
  maxRegrowth: 0.97,
  regrowAfterShrink: 0.7,
  dilateFraction: -0.04,
  dilateMinPx: -1,
  boxMomentum: 0,
  maxMomentumStep: 0.25,
  minContrastRatio: 0.8,
  contrastReference: 'clearest',
  contrastRingPx: 6,
  contrastGapPx: 3,
  trimShare: -Infinity,
  trimFeeds: 'box',
  interiorClick: false,
  exteriorClicks: 0,
  negativeMinPx: 2,
  boxLogitLevel: 0,
  maskPrompt: true,
  logitMemory: 1,
  seedLogitWeight: 0,
};

/**
 * The mask prompt from a memory of logits: the mean of `recent` (oldest first) moved into the
 * latest one's crop, blended with `seed` (moved likewise) at `seedWeight`; null without any.
 */
export function memoryLogits(
  recent: readonly MaskLogits[],
  seed: MaskLogits | null,
  seedWeight: number,
): MaskLogits | null {
  const latest = recent[recent.length - 1];
  if (!latest) return null;
  const withSeed = seed !== null && seedWeight > 0 && seed.maskSize === latest.maskSize;
  if (recent.length === 1 && !withSeed) return latest;
  const moved = (l: MaskLogits) =>
    l === latest ? l.values : resampleLogits(l.values, l.maskSize, l.crop, latest.crop);
  const values = new Float32Array(latest.values.length);
  const usable = recent.filter((l) => l.maskSize === latest.maskSize);
  for (const l of usable) {
    const v = moved(l);
    for (let i = 0; i < values.length; i++) values[i]! += (v[i] as number) / usable.length;
  }
  if (withSeed) {
    const v = moved(seed);
    for (let i = 0; i < values.length; i++)
      values[i] = (1 - seedWeight) * (values[i] as number) + seedWeight * (v[i] as number);
  }
  return { values, maskSize: latest.maskSize, crop: latest.crop };
}

export interface PropagateOptions {
  width: number;
  height: number;
  depth: number;
  /** The slice to start from; it must hold a mask in `masks`. */
  from: number;
  /** The object's masks so far, by slice index. */
  masks: ReadonlyMap<number, SliceMask>;
  /** The logits of the mask on `from` (e.g. its prompted prediction), for the first mask prompt. */
  seedLogits?: MaskLogits | null;
  predict: PredictSlice;
  /**
   * The slice's pixels, for the contrast stop (minContrastRatio); without it that rule is off.
   * Called for the seed slice and each predicted one.
   */
  image?: (slice: number) => GreyImage | Promise<GreyImage>;
  thresholds?: Partial<PropagationThresholds>;
  /** Only one way (default both: forward first). */
  directions?: ReadonlyArray<1 | -1>;
  signal?: AbortSignal;
  /** After each slice: how many are done of the most that may still come. */
  onProgress?: (progress: { done: number; total: number; slice: number }) => void;
}

export type StopReason =
  | 'edge'
  | 'annotated'
  | 'low-iou'
  | 'too-small'
  | 'shrank'
  | 'grew'
  | 'jumped'
  | 'regrew'
  | 'faded'
  | 'cancelled';

export interface PropagationResult {
  /** New propagated masks, by slice. */
  masks: Map<number, Uint8Array>;
  /** Slices whose old propagated mask is gone: the object ends before them now. */
  cleared: number[];
  /** Why each direction stopped, and the last slice it looked at. */
  stops: { direction: 1 | -1; reason: StopReason; slice: number }[];
  /** Model runs made. */
  predictions: number;
  /**
   * The contrast the contrast stop compares with (null: rule off): the seed slice's mask contrast,
   * or a stronger one of another slice the annotator made.
   */
  seedContrast: number | null;
}

/**
 * The mask's box grown on every side (shrunk for a negative fraction, never past its centre),
 * clamped to the image; null for an empty mask.
 */
export function dilatedBox(
  mask: Mask,
  fraction = DEFAULT_PROPAGATION.dilateFraction,
  minPx = DEFAULT_PROPAGATION.dilateMinPx,
): Box | null {
  const box = maskBoundingBox(mask);
  if (!box) return null;
  // A shrink keeps at least one pixel of the box on each axis.
  const grow = (side: number) =>
    Math.max(Math.max(minPx, Math.round(side * fraction)), -Math.floor((side - 1) / 2));
  const gx = grow(box.x1 - box.x0);
  const gy = grow(box.y1 - box.y0);
  return {
    x0: Math.max(0, box.x0 - gx),
    y0: Math.max(0, box.y0 - gy),
    x1: Math.min(mask.width, box.x1 + gx),
    y1: Math.min(mask.height, box.y1 + gy),
  };
}

/**
 * The mask pixel farthest from its border (the centre of its largest part), as a positive click
 * in continuous pixel coordinates; null for an empty mask.
 */
export function interiorPoint(mask: Mask): ClickPrompt | null {
  const distance = squaredDistanceTransform(mask.data, mask.width, mask.height, {
    zeroBorder: true,
  });
  let best = -1;
  let bestDistance = 0;
  for (let i = 0; i < distance.length; i++)
    if (mask.data[i] && (distance[i] as number) > bestDistance) {
      best = i;
      bestDistance = distance[i] as number;
    }
  if (best < 0) return null;
  return { x: (best % mask.width) + 0.5, y: Math.floor(best / mask.width) + 0.5, positive: true };
}

/**
 * Negative clicks on `mask`'s exterior inside `box`: in each quadrant of the box (up to `count`),
 * the pixel farthest from the mask, if at least `minPx` from it. Continuous pixel coordinates.
 */
export function exteriorPoints(mask: Mask, box: Box, count: number, minPx: number): ClickPrompt[] {
  const x0 = Math.max(0, Math.floor(box.x0));
  const y0 = Math.max(0, Math.floor(box.y0));
  const x1 = Math.min(mask.width, Math.ceil(box.x1));
  const y1 = Math.min(mask.height, Math.ceil(box.y1));
  const tight = maskBoundingBox(mask);
  if (count <= 0 || x1 <= x0 || y1 <= y0 || !tight) return [];
  // Distance to the mask in a window holding the box and the whole mask (so the same as over the
  // whole image, at the cost of the window only).
  const wx0 = Math.min(x0, tight.x0);
  const wy0 = Math.min(y0, tight.y0);
  const w = Math.max(x1, tight.x1) - wx0;
  const h = Math.max(y1, tight.y1) - wy0;
  const outside = new Uint8Array(w * h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      outside[y * w + x] = mask.data[(y + wy0) * mask.width + x + wx0] ? 0 : 1;
  const distance = squaredDistanceTransform(outside, w, h);
  const cx = (x0 + x1) / 2;
  const cy = (y0 + y1) / 2;
  const best = [-1, -1, -1, -1];
  const bestDistance = [0, 0, 0, 0];
  for (let y = y0; y < y1; y++)
    for (let x = x0; x < x1; x++) {
      const d = distance[(y - wy0) * w + x - wx0] as number;
      const q = (x + 0.5 < cx ? 0 : 1) + (y + 0.5 < cy ? 0 : 2);
      if (d >= minPx * minPx && d > (bestDistance[q] as number)) {
        best[q] = y * mask.width + x;
        bestDistance[q] = d;
      }
    }
  return best
    .map((i, q) => ({ i, d: bestDistance[q] as number }))
    .filter((p) => p.i >= 0)
    .sort((a, b) => b.d - a.d)
    .slice(0, count)
    .map(({ i }) => ({
      x: (i % mask.width) + 0.5,
      y: Math.floor(i / mask.width) + 0.5,
      positive: false,
    }));
}

/**
 * The box for the next slice: the previous mask's box (dilated as `dilatedBox`), each edge moved on
 * by `momentum` times its last step (the previous mask's tight box minus the one before it), the
 * step capped at `maxStep` of the side (at least 1 px). Never inverted, clamped to the image; null
 * for an empty mask.
 */
export function motionBox(
  previous: Mask,
  before: Box | null,
  t: Pick<
    PropagationThresholds,
    'dilateFraction' | 'dilateMinPx' | 'boxMomentum' | 'maxMomentumStep'
  >,
): Box | null {
  const box = dilatedBox(previous, t.dilateFraction, t.dilateMinPx);
  if (!box || !before || t.boxMomentum === 0) return box;
  const tight = maskBoundingBox(previous)!;
  const capX = Math.max(1, (tight.x1 - tight.x0) * t.maxMomentumStep);
  const capY = Math.max(1, (tight.y1 - tight.y0) * t.maxMomentumStep);
  const step = (now: number, then: number, cap: number) =>
    Math.max(-cap, Math.min(cap, t.boxMomentum * (now - then)));
  let x0 = box.x0 + step(tight.x0, before.x0, capX);
  let x1 = box.x1 + step(tight.x1, before.x1, capX);
  let y0 = box.y0 + step(tight.y0, before.y0, capY);
  let y1 = box.y1 + step(tight.y1, before.y1, capY);
  // Never inverted: a box shrunk past its centre keeps one pixel there.
  if (x1 - x0 < 1) [x0, x1] = [(x0 + x1) / 2 - 0.5, (x0 + x1) / 2 + 0.5];
  if (y1 - y0 < 1) [y0, y1] = [(y0 + y1) / 2 - 0.5, (y0 + y1) / 2 + 0.5];
  const clampX = (v: number) => Math.max(0, Math.min(previous.width, Math.round(v)));
  const clampY = (v: number) => Math.max(0, Math.min(previous.height, Math.round(v)));
  const out = { x0: clampX(x0), y0: clampY(y0), x1: clampX(x1), y1: clampY(y1) };
  // Rounding may close it: keep one pixel, inside the image.
  if (out.x1 <= out.x0) {
    out.x1 = Math.min(previous.width, out.x0 + 1);
    out.x0 = out.x1 - 1;
  }
  if (out.y1 <= out.y0) {
    out.y1 = Math.min(previous.height, out.y0 + 1);
    out.y0 = out.y1 - 1;
  }
  return out;
}

function stopFor(
  next: Mask,
  iou: number,
  previous: Mask,
  previousArea: number,
  t: PropagationThresholds,
): StopReason | null {
  const area = maskArea(next);
  if (iou < t.minIou) return 'low-iou';
  if (area < t.minArea) return 'too-small';
  if (area < previousArea * t.minAreaRatio) return 'shrank';
  if (area > previousArea * t.maxAreaRatio) return 'grew';
  if (intersectionArea(next, previous) < area * t.minOverlap) return 'jumped';
  return null;
}

/**
 * Propagates from `from` in each direction until the object ends; see the file comment. Cancelling
 * (the signal) keeps what was done so far. Throws if `from` has no mask.
 */
export async function propagateVolume(options: PropagateOptions): Promise<PropagationResult> {
  const { width, height, depth, from, masks, predict, signal, onProgress } = options;
  const t = { ...DEFAULT_PROPAGATION, ...options.thresholds };
  const seed = masks.get(from);
  if (!seed || seed.mask.length !== width * height)
    throw new Error(`slice ${from} has no mask of ${width}x${height} to propagate from`);
  const directions = options.directions ?? [1, -1];
  const result: PropagationResult = {
    masks: new Map(),
    cleared: [],
    stops: [],
    predictions: 0,
    seedContrast: null,
  };
  const contrastOf = async (slice: number, mask: Mask) =>
    maskContrast(await options.image!(slice), mask, t.contrastRingPx, t.contrastGapPx);
  // The contrast stop compares with the object's memory: the strongest contrast among the slices
  // the annotator made (the seed and any prompted or edited one), so that a walk from a correction
  // on a faint end slice still knows how the object looked at its clearest. Off without pixels, or
  // for an object that does not stand out at all (|contrast| under one grey level).
  if (options.image && (t.minContrastRatio > -Infinity || t.trimShare > -Infinity)) {
    let reference = await contrastOf(from, { width, height, data: seed.mask });
    for (const [k, slice] of t.contrastReference === 'start' ? [] : masks) {
      // (An empty one, where the annotator ended the object, has no contrast.)
      if (
        k === from ||
        slice.origin === 'propagated' ||
        slice.mask.length !== width * height ||
        !slice.mask.some((v) => v === 1)
      )
        continue;
      const c = await contrastOf(k, { width, height, data: slice.mask });
      // Same sign as the seed's (a bright or a dark object), and stronger.
      if (c * reference > 0 && Math.abs(c) > Math.abs(reference)) reference = c;
    }
    result.seedContrast = Math.abs(reference) >= 1 ? reference : null;
  }
  // The box's source with boxLogitLevel: the last slice's logits above it (the mask itself when
  // that is empty, or without logits).
  const confidentCore = (mask: Mask, recent: readonly MaskLogits[]): Mask => {
    const last = recent[recent.length - 1];
    if (t.boxLogitLevel <= 0 || !last) return mask;
    const core = pasteMaskLogits(
      last.values,
      last.maskSize,
      last.crop,
      width,
      height,
      t.boxLogitLevel,
    );
    for (let i = 0; i < core.data.length; i++) core.data[i]! &= mask.data[i] as number;
    return core.data.some((v) => v === 1) ? core : mask;
  };
  // The most slices that could still come: for progress only.
  let total = directions.reduce((n, d) => n + (d === 1 ? depth - 1 - from : from), 0);
  let done = 0;

  for (const direction of directions) {
    // The last mask the walk judged (the stops compare with it), and the one the box comes from:
    // the same unless a trimmed mask feeds only the box (trimFeeds 'box').
    let previous: Mask = { width, height, data: seed.mask };
    let boxSource: Mask = previous;
    // The logits of the walk's last slices, oldest first (the mask prompt's memory).
    const recentLogits: MaskLogits[] = options.seedLogits ? [options.seedLogits] : [];
    let previousArea = maskArea(previous);
    const startArea = previousArea;
    // The smallest mask so far on this walk (the regrowth stop).
    let smallestArea = previousArea;
    // The tight box of the mask before `boxSource` (the motion memory), none yet.
    let beforeBox: Box | null = null;
    // The predicted IoUs of this walk's slices (the IoU-drop stop).
    let iouSum = 0;
    let iouCount = 0;
    let k = from + direction;
    let reason: StopReason = 'edge';
    for (; k >= 0 && k < depth; k += direction) {
      if (signal?.aborted) {
        reason = 'cancelled';
        break;
      }
      const existing = masks.get(k);
      if (existing && existing.origin !== 'propagated') {
        reason = 'annotated';
        break;
      }
      const box = motionBox(confidentCore(boxSource, recentLogits), beforeBox, t);
      if (!box) break;
      const click = t.interiorClick ? interiorPoint(boxSource) : null;
      const clicks = [
        ...(click ? [click] : []),
        ...exteriorPoints(previous, box, t.exteriorClicks, t.negativeMinPx),
      ];
      const predicted = await predict(
        k,
        {
          box,
          clicks,
          maskInput: t.maskPrompt
            ? memoryLogits(recentLogits, options.seedLogits ?? null, t.seedLogitWeight)
            : null,
        },
        previous,
      );
      result.predictions += 1;
      if (signal?.aborted) {
        reason = 'cancelled';
        break;
      }
      const model: Mask = { width, height, data: predicted.mask };
      const kept: Mask =
        result.seedContrast !== null && t.trimShare > -Infinity
          ? {
              width,
              height,
              data: trimToContrast(
                await options.image!(k),
                model,
                result.seedContrast,
                t.trimShare,
                t.contrastRingPx,
                t.contrastGapPx,
              ),
            }
          : model;
      const next = t.trimFeeds === 'walk' ? kept : model;
      let stop = stopFor(next, predicted.iou, previous, previousArea, t);
      if (!stop && iouCount > 0 && predicted.iou < iouSum / iouCount - t.maxIouDrop)
        stop = 'low-iou';
      if (
        !stop &&
        smallestArea < startArea * t.regrowAfterShrink &&
        maskArea(next) > smallestArea * t.maxRegrowth
      )
        stop = 'regrew';
      if (!stop && result.seedContrast !== null && t.minContrastRatio > -Infinity) {
        const ratio = (await contrastOf(k, next)) / result.seedContrast;
        if (ratio < t.minContrastRatio) stop = 'faded';
      }
      // A trimmed mask left with nothing: the object has ended.
      if (!stop && kept !== model && maskArea(kept) < t.minArea) stop = 'too-small';
      done += 1;
      onProgress?.({ done, total, slice: k });
      if (stop) {
        reason = stop;
        break;
      }
      result.masks.set(k, kept.data);
      beforeBox = maskBoundingBox(boxSource);
      previous = next;
      boxSource = t.trimFeeds === 'output' ? next : kept;
      previousArea = maskArea(next);
      smallestArea = Math.min(smallestArea, previousArea);
      // A slice without logits (e.g. a model without them) empties the memory, as before.
      if (predicted.logits) recentLogits.push(predicted.logits);
      else recentLogits.length = 0;
      while (recentLogits.length > Math.max(1, t.logitMemory)) recentLogits.shift();
      iouSum += predicted.iou;
      iouCount += 1;
    }
    result.stops.push({ direction, reason, slice: k });
    // The object ends here now: older propagated masks beyond it, up to the edge of the volume,
    // are stale. Not when a slice the annotator made lies ahead: the object goes on to there, and
    // those masks came from that slice (a walk from a correction on a faint end slice towards the
    // object's middle stops early, and must not wipe what the seed's walk found). A cancelled run
    // leaves them alone.
    if (reason !== 'cancelled' && reason !== 'annotated') {
      const stale: number[] = [];
      let annotatedAhead = false;
      for (let j = k; j >= 0 && j < depth; j += direction) {
        const old = masks.get(j);
        if (old && old.origin !== 'propagated') {
          annotatedAhead = old.mask.some((v) => v === 1);
          break;
        }
        if (old) stale.push(j);
      }
      if (!annotatedAhead) result.cleared.push(...stale);
    }
    // Progress: the slices this direction did not reach are no longer to come.
    total =
      done +
      directions
        .slice(directions.indexOf(direction) + 1)
        .reduce((n, d) => n + (d === 1 ? depth - 1 - from : from), 0);
  }
  onProgress?.({ done, total: done, slice: from });
  return result;
}

/**
 * Erasing the object on slice `k` ends it there: the propagated slices past `k` that go with it,
 * on each side where no slice the annotator made with pixels lies ahead (those masks came from
 * that slice, and the object goes on to it), up to the volume's edge or the next slice the
 * annotator made. The caller keeps `k` as an empty 'edited' slice, so that propagation stops
 * there ('annotated') and a re-propagation never crosses it.
 */
export function slicesPastErasedEnd(
  masks: ReadonlyMap<number, SliceMask>,
  k: number,
  depth: number,
): number[] {
  const out: number[] = [];
  for (const direction of [1, -1] as const) {
    const past: number[] = [];
    let annotatedAhead = false;
    for (let j = k + direction; j >= 0 && j < depth; j += direction) {
      const s = masks.get(j);
      if (s && s.origin !== 'propagated') {
        annotatedAhead = s.mask.some((v) => v === 1);
        break;
      }
      if (s) past.push(j);
    }
    if (!annotatedAhead) out.push(...past);
  }
  return out;
}
