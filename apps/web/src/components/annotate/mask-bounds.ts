/**
 * Bounding boxes of the volume page's full-slice masks (x1/y1 exclusive), one per immutable mask
 * array: the worker sends them with each slice (found within the crop), others are found once; and
 * each such mask's crop-sized form (MaskRegion), which the 2-D viewer draws, cropped once from its
 * box. So a small object on a 3900 x 3072 slice costs what it covers, not the slice.
 */
import { maskBoundsWithin, type Box } from '@loupe/prompts';
import { maskToRegionWithin, type MaskRegion } from '../../worker/mask-region';

const known = new WeakMap<Uint8Array, Box | null>();

/** Records `mask`'s bounding box (null: empty), as found by whoever made it. */
export function setMaskBounds(mask: Uint8Array, bounds: Box | null): void {
  known.set(mask, bounds);
}

/** `mask`'s bounding box, or null when it is empty; found over the whole image the first time. */
export function maskBounds(mask: Uint8Array, width: number, height: number): Box | null {
  const hit = known.get(mask);
  if (hit !== undefined) return hit;
  const bounds = maskBoundsWithin(mask, width, height, { x0: 0, y0: 0, x1: width, y1: height });
  known.set(mask, bounds);
  return bounds;
}

const regions = new WeakMap<Uint8Array, MaskRegion>();

/** `mask` (full image) as a crop-sized mask, cropped once from its bounding box. */
export function regionOfMask(mask: Uint8Array, width: number, height: number): MaskRegion {
  let region = regions.get(mask);
  if (!region) {
    region = maskToRegionWithin(mask, width, maskBounds(mask, width, height));
    regions.set(mask, region);
  }
  return region;
}
