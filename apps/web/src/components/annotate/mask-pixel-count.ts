const areaCache = new WeakMap<Uint8Array, number>();

/** Mask area for the object list, computed once per (immutable) mask array. */
export function maskPixelCount(mask: Uint8Array): number {
  let area = areaCache.get(mask);
  if (area === undefined) {
    area = 0;
    for (let i = 0; i < mask.length; i++) area += mask[i] as number;
    areaCache.set(mask, area);
  }
  return area;
}
