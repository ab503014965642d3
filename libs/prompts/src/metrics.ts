/** Overlap and boundary metrics between two masks of the same size. */
import type { Mask } from './mask';
import { assertSameSize } from './mask';
import { squaredDistanceTransform } from './distance-transform';

function counts(a: Mask, b: Mask): { inter: number; areaA: number; areaB: number } {
  assertSameSize(a, b);
  const ad = a.data;
  const bd = b.data;
  let inter = 0;
  let areaA = 0;
  let areaB = 0;
  for (let i = 0; i < ad.length; i++) {
    const x = ad[i];
    const y = bd[i];
    if (x) areaA++;
    if (y) areaB++;
    if (x && y) inter++;
  }
  return { inter, areaA, areaB };
}

/** 2|A∩B| / (|A|+|B|); 1 when both are empty. */
export function dice(a: Mask, b: Mask): number {
  const { inter, areaA, areaB } = counts(a, b);
  return areaA + areaB === 0 ? 1 : (2 * inter) / (areaA + areaB);
}

/** |A∩B| / |A∪B|; 1 when both are empty. */
export function iou(a: Mask, b: Mask): number {
  const { inter, areaA, areaB } = counts(a, b);
  const union = areaA + areaB - inter;
  return union === 0 ? 1 : inter / union;
}

/** Boundary pixels: set pixels with a 4-neighbour that is unset or outside the image. */
export function maskBoundary(mask: Mask): Uint8Array {
  const { width: w, height: h, data } = mask;
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      if (!data[i]) continue;
      if (
        x === 0 ||
        y === 0 ||
        x === w - 1 ||
        y === h - 1 ||
        !data[i - 1] ||
        !data[i + 1] ||
        !data[i - w] ||
        !data[i + w]
      )
        out[i] = 1;
    }
  }
  return out;
}

/** Linear-interpolated percentile (numpy's default), p in [0, 100]. Sorts `values` in place. */
export function percentile(values: Float64Array, p: number): number {
  if (values.length === 0) return NaN;
  values.sort();
  const pos = ((values.length - 1) * p) / 100;
  const lo = Math.floor(pos);
  const hi = Math.min(values.length - 1, lo + 1);
  return (values[lo] as number) + ((values[hi] as number) - (values[lo] as number)) * (pos - lo);
}

/** Distances (pixels) from each boundary pixel of `from` to the nearest boundary pixel of `to`. */
function directedBoundaryDistances(
  fromBoundary: Uint8Array,
  toBoundary: Uint8Array,
  w: number,
  h: number,
): Float64Array {
  const notTo = new Uint8Array(toBoundary.length);
  for (let i = 0; i < notTo.length; i++) notTo[i] = toBoundary[i] ? 0 : 1;
  const sq = squaredDistanceTransform(notTo, w, h);
  let n = 0;
  for (let i = 0; i < fromBoundary.length; i++) if (fromBoundary[i]) n++;
  const out = new Float64Array(n);
  let k = 0;
  for (let i = 0; i < fromBoundary.length; i++)
    if (fromBoundary[i]) out[k++] = Math.sqrt(sq[i] as number);
  return out;
}

/**
 * 95th-percentile symmetric Hausdorff distance in pixels, boundary-based (as MONAI's
 * compute_hausdorff_distance with percentile=95): max of the two directed 95th percentiles of
 * boundary-to-boundary distances. Boundary = set pixels with an unset 4-neighbour (or on the image edge).
 * Empty masks: both empty -> 0; exactly one empty -> Infinity.
 */
export function hausdorff95(a: Mask, b: Mask): number {
  assertSameSize(a, b);
  const ba = maskBoundary(a);
  const bb = maskBoundary(b);
  const anyA = ba.some((v) => v !== 0);
  const anyB = bb.some((v) => v !== 0);
  if (!anyA && !anyB) return 0;
  if (!anyA || !anyB) return Infinity;
  const dAB = directedBoundaryDistances(ba, bb, a.width, a.height);
  const dBA = directedBoundaryDistances(bb, ba, a.width, a.height);
  return Math.max(percentile(dAB, 95), percentile(dBA, 95));
}
