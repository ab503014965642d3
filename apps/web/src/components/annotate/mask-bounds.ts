/**
 * Bounding boxes of the page's masks (x1/y1 exclusive), one per immutable mask array: the worker
 * sends them with each proposal (found within the crop), others are found once. Everything that
 * walks a mask (overlay, area, RLE for the save, the empty check) walks only its box, so a small
 * object on a 3900 x 3072 image costs what it covers, not the image.
 */
import { maskBoundsWithin, type Box } from '@loupe/prompts';

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
