/**
 * A 0/1 mask sent between the worker and the page as the rows and columns it covers (its bounding
 * box, x1/y1 exclusive) instead of the whole slice: propagation posts one per slice.
 */
import { maskBoundsWithin, type Box } from '@loupe/prompts';

export interface MaskRegion {
  /** The mask's bounding box in slice pixels; null for an empty mask. */
  bounds: Box | null;
  /** (x1 - x0) * (y1 - y0) values, row by row (empty when `bounds` is null). */
  data: Uint8Array;
}

export function maskToRegion(mask: Uint8Array, width: number, height: number): MaskRegion {
  const bounds = maskBoundsWithin(mask, width, height, { x0: 0, y0: 0, x1: width, y1: height });
  if (!bounds) return { bounds: null, data: new Uint8Array(0) };
  const w = bounds.x1 - bounds.x0;
  const data = new Uint8Array(w * (bounds.y1 - bounds.y0));
  for (let y = bounds.y0; y < bounds.y1; y++)
    data.set(mask.subarray(y * width + bounds.x0, y * width + bounds.x1), (y - bounds.y0) * w);
  return { bounds, data };
}

export function regionToMask(region: MaskRegion, width: number, height: number): Uint8Array {
  const mask = new Uint8Array(width * height);
  const b = region.bounds;
  if (!b) return mask;
  const w = b.x1 - b.x0;
  if (
    b.x0 < 0 ||
    b.y0 < 0 ||
    b.x1 > width ||
    b.y1 > height ||
    region.data.length !== w * (b.y1 - b.y0)
  )
    throw new Error(`mask region ${JSON.stringify(b)} does not fit a ${width}x${height} slice`);
  for (let y = b.y0; y < b.y1; y++)
    mask.set(region.data.subarray((y - b.y0) * w, (y - b.y0 + 1) * w), y * width + b.x0);
  return mask;
}
