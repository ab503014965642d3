import { maskBounds } from './mask-bounds';

const areaCache = new WeakMap<Uint8Array, number>();

/** Mask area for the object list, computed once per (immutable) mask array, within its bounds. */
export function maskPixelCount(mask: Uint8Array, width: number, height: number): number {
  let area = areaCache.get(mask);
  if (area === undefined) {
    area = 0;
    const b = maskBounds(mask, width, height);
    if (b)
      for (let y = b.y0; y < b.y1; y++)
        for (let i = y * width + b.x0, end = y * width + b.x1; i < end; i++)
          area += mask[i] as number;
    areaCache.set(mask, area);
  }
  return area;
}
