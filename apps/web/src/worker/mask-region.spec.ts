import { describe, expect, it } from 'vitest';
import { maskToRegion, regionToMask } from './mask-region';

describe('mask regions', () => {
  it('sends only the bounding box and pastes back the same mask', () => {
    const width = 40;
    const height = 30;
    const mask = new Uint8Array(width * height);
    // An L shape from (5, 7) to (12, 20): its box is 8 x 14.
    for (let y = 7; y <= 20; y++) mask[y * width + 5] = 1;
    for (let x = 5; x <= 12; x++) mask[20 * width + x] = 1;
    const region = maskToRegion(mask, width, height);
    expect(region.bounds).toEqual({ x0: 5, y0: 7, x1: 13, y1: 21 });
    expect(region.data.length).toBe(8 * 14);
    expect(Array.from(regionToMask(region, width, height))).toEqual(Array.from(mask));
  });

  it('sends an empty mask as nothing', () => {
    const region = maskToRegion(new Uint8Array(12), 4, 3);
    expect(region).toEqual({ bounds: null, data: new Uint8Array(0) });
    expect(Array.from(regionToMask(region, 4, 3))).toEqual(new Array(12).fill(0));
  });

  it('refuses a region that does not fit the slice', () => {
    const region = { bounds: { x0: 2, y0: 0, x1: 6, y1: 2 }, data: new Uint8Array(8) };
    expect(() => regionToMask(region, 4, 3)).toThrow(/does not fit/);
  });
});
