import { regionArea, type MaskRegion } from '../../worker/mask-region';

const areaCache = new WeakMap<MaskRegion, number>();

/** Mask area for the object list, computed once per (immutable) crop-sized mask. */
export function maskPixelCount(mask: MaskRegion): number {
  let area = areaCache.get(mask);
  if (area === undefined) {
    area = regionArea(mask);
    areaCache.set(mask, area);
  }
  return area;
}
