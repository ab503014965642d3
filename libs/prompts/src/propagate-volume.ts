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
import { intersectionArea, maskArea, maskBoundingBox } from './mask-ops';
import type { Box, ClickPrompt } from './schemas';

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
   * The box is the previous mask's box grown by round(this share of its side) per side (default
   * -0.04: a negative share shrinks it, here by one pixel once a side reaches 13 px)...
   */
  dilateFraction: number;
  /** ...by at least this many pixels; a negative value caps the shrink at -this (default -1). */
  dilateMinPx: number;
  /** Add a positive click on the previous mask's deepest point (default false). */
  interiorClick: boolean;
  /** Give the previous slice's logits as mask prompt (default true; models without one ignore it). */
  maskPrompt: boolean;
}

/**
 * Measured by bench:volume (bench/results/volume.json `variants`): a box prompt makes the starter
 * fill the box, so a grown box ratchets the mask outward slice after slice while the lesion
 * shrinks; a box shrunk by one pixel per side and no click followed the lesion best.
 */
export const DEFAULT_PROPAGATION: PropagationThresholds = {
  minIou: 0.5,
  minArea: 6,
  minAreaRatio: 0.2,
  maxAreaRatio: 1.3,
  minOverlap: 0.2,
  dilateFraction: -0.04,
  dilateMinPx: -1,
  interiorClick: false,
  maskPrompt: true,
};

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
  thresholds?: Partial<PropagationThresholds>;
  /** Only one way (default both: forward first). */
  directions?: ReadonlyArray<1 | -1>;
  signal?: AbortSignal;
  /** After each slice: how many are done of the most that may still come. */
  onProgress?: (progress: { done: number; total: number; slice: number }) => void;
}

export type StopReason =
  'edge' | 'annotated' | 'low-iou' | 'too-small' | 'shrank' | 'grew' | 'jumped' | 'cancelled';

export interface PropagationResult {
  /** New propagated masks, by slice. */
  masks: Map<number, Uint8Array>;
  /** Slices whose old propagated mask is gone: the object ends before them now. */
  cleared: number[];
  /** Why each direction stopped, and the last slice it looked at. */
  stops: { direction: 1 | -1; reason: StopReason; slice: number }[];
  /** Model runs made. */
  predictions: number;
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
  const result: PropagationResult = { masks: new Map(), cleared: [], stops: [], predictions: 0 };
  // The most slices that could still come: for progress only.
  let total = directions.reduce((n, d) => n + (d === 1 ? depth - 1 - from : from), 0);
  let done = 0;

  for (const direction of directions) {
    let previous: Mask = { width, height, data: seed.mask };
    let previousLogits = options.seedLogits ?? null;
    let previousArea = maskArea(previous);
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
      const box = dilatedBox(previous, t.dilateFraction, t.dilateMinPx);
      if (!box) break;
      const click = t.interiorClick ? interiorPoint(previous) : null;
      const predicted = await predict(
        k,
        { box, clicks: click ? [click] : [], maskInput: t.maskPrompt ? previousLogits : null },
        previous,
      );
      result.predictions += 1;
      if (signal?.aborted) {
        reason = 'cancelled';
        break;
      }
      const next: Mask = { width, height, data: predicted.mask };
      const stop = stopFor(next, predicted.iou, previous, previousArea, t);
      done += 1;
      onProgress?.({ done, total, slice: k });
      if (stop) {
        reason = stop;
        break;
      }
      result.masks.set(k, predicted.mask);
      previous = next;
      previousArea = maskArea(next);
      previousLogits = predicted.logits ?? null;
    }
    result.stops.push({ direction, reason, slice: k });
    // The object ends here now: older propagated masks beyond it (up to the next slice the
    // annotator made) are stale. A cancelled run leaves them alone.
    if (reason !== 'cancelled' && reason !== 'annotated') {
      for (let j = k; j >= 0 && j < depth; j += direction) {
        const old = masks.get(j);
        if (old && old.origin !== 'propagated') break;
        if (old) result.cleared.push(j);
      }
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
