/**
 * A 0/1 mask as the rows and columns it covers (its bounding box, x1/y1 exclusive) instead of the
 * whole image: what the worker sends (a prediction's outputs, propagation's slices) and what the
 * annotate page keeps per proposal and object, so a mask on a wide-field image costs its crop.
 */
import { maskBoundsWithin, type Box } from '@loupe/prompts';

export interface MaskRegion {
  /** The mask's bounding box in slice pixels; null for an empty mask. */
  bounds: Box | null;
  /** (x1 - x0) * (y1 - y0) values, row by row (empty when `bounds` is null). */
  data: Uint8Array;
}

export function maskToRegion(mask: Uint8Array, width: number, height: number): MaskRegion {
  return windowToRegion(mask, { x0: 0, y0: 0, width, height });
}

/** maskToRegion for a full-image mask whose bounding box is known (null: empty): reads only it. */
export function maskToRegionWithin(
  mask: Uint8Array,
  width: number,
  bounds: Box | null,
): MaskRegion {
  if (!bounds) return { bounds: null, data: new Uint8Array(0) };
  const w = bounds.x1 - bounds.x0;
  const data = new Uint8Array(w * (bounds.y1 - bounds.y0));
  for (let y = bounds.y0; y < bounds.y1; y++)
    data.set(mask.subarray(y * width + bounds.x0, y * width + bounds.x1), (y - bounds.y0) * w);
  return { bounds, data };
}

/**
 * A 0/1 plane over a window of the image (`window.width` x `window.height` values, its top-left at
 * (x0, y0) in image pixels; 0 outside it) as its bounding-box region (a copy): reads only the window.
 */
export function windowToRegion(
  plane: Uint8Array,
  window: { x0: number; y0: number; width: number; height: number },
): MaskRegion {
  const { width: w, height: h } = window;
  if (plane.length !== w * h)
    throw new Error(`mask window ${w}x${h} does not match its ${plane.length} values`);
  const b = maskBoundsWithin(plane, w, h, { x0: 0, y0: 0, x1: w, y1: h });
  const { data } = maskToRegionWithin(plane, w, b);
  if (!b) return { bounds: null, data };
  const { x0, y0 } = window;
  return { bounds: { x0: b.x0 + x0, y0: b.y0 + y0, x1: b.x1 + x0, y1: b.y1 + y0 }, data };
}

/**
 * The pixels above 0.5 of a probability plane over `window` as a region, read only inside their
 * box (`foreground`, image px, inclusive; x1 < x0 when there are none), which the caller knows.
 */
export function aboveHalfRegion(
  plane: Float32Array,
  window: { x0: number; y0: number; width: number; height: number },
  foreground: { area: number; x0: number; y0: number; x1: number; y1: number },
): MaskRegion {
  if (plane.length !== window.width * window.height)
    throw new Error(
      `mask window ${window.width}x${window.height} does not match its ${plane.length} values`,
    );
  if (foreground.area === 0) return { bounds: null, data: new Uint8Array(0) };
  const bounds = {
    x0: foreground.x0,
    y0: foreground.y0,
    x1: foreground.x1 + 1,
    y1: foreground.y1 + 1,
  };
  const w = bounds.x1 - bounds.x0;
  const data = new Uint8Array(w * (bounds.y1 - bounds.y0));
  for (let y = bounds.y0, j = 0; y < bounds.y1; y++) {
    const row = (y - window.y0) * window.width - window.x0;
    for (let x = bounds.x0; x < bounds.x1; x++, j++)
      if ((plane[row + x] as number) > 0.5) data[j] = 1;
  }
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

/** The region's pixel count (the mask's area). */
export function regionArea(region: MaskRegion): number {
  let area = 0;
  for (let i = 0; i < region.data.length; i++) area += region.data[i] as number;
  return area;
}
