import { describe, expect, it } from 'vitest';
import {
  aboveHalfRegion,
  maskToRegion,
  maskToRegionWithin,
  regionArea,
  regionToMask,
  windowToRegion,
} from './mask-region';

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

  it('crops a plane over a window of the image to the same region as the full mask', () => {
    const width = 50;
    const height = 40;
    const window = { x0: 11, y0: 7, width: 20, height: 15 };
    const plane = new Uint8Array(window.width * window.height);
    // Two blobs inside the window, one touching its right edge.
    for (const [x, y] of [
      [3, 2],
      [4, 2],
      [4, 3],
      [19, 9],
      [18, 10],
    ] as const)
      plane[y * window.width + x] = 1;
    const full = new Uint8Array(width * height);
    for (let y = 0; y < window.height; y++)
      for (let x = 0; x < window.width; x++)
        full[(window.y0 + y) * width + window.x0 + x] = plane[y * window.width + x]!;
    const region = windowToRegion(plane, window);
    expect(region).toEqual(maskToRegion(full, width, height));
    expect(region.bounds).toEqual({ x0: 14, y0: 9, x1: 31, y1: 18 });
    expect(regionArea(region)).toBe(5);
    expect(Array.from(regionToMask(region, width, height))).toEqual(Array.from(full));
    expect(maskToRegionWithin(full, width, region.bounds)).toEqual(region);
    expect(windowToRegion(new Uint8Array(6), { x0: 3, y0: 3, width: 3, height: 2 })).toEqual({
      bounds: null,
      data: new Uint8Array(0),
    });
    expect(() => windowToRegion(new Uint8Array(5), { x0: 0, y0: 0, width: 3, height: 2 })).toThrow(
      /does not match/,
    );
  });

  it('takes the pixels above one half of a probability plane over a window, read in their box', () => {
    const window = { x0: 11, y0: 7, width: 20, height: 15 };
    const plane = new Float32Array(window.width * window.height);
    // 0.5 itself is not above one half.
    for (const [x, y, p] of [
      [3, 2, 0.9],
      [4, 2, 0.5],
      [4, 3, 0.51],
      [19, 9, 1],
    ] as const)
      plane[y * window.width + x] = p;
    const mask = Uint8Array.from(plane, (p) => (p > 0.5 ? 1 : 0));
    const foreground = { area: 3, x0: 14, y0: 9, x1: 30, y1: 16 };
    expect(aboveHalfRegion(plane, window, foreground)).toEqual(windowToRegion(mask, window));
    expect(
      aboveHalfRegion(
        new Float32Array(6),
        { x0: 0, y0: 0, width: 3, height: 2 },
        {
          area: 0,
          x0: Infinity,
          y0: Infinity,
          x1: -1,
          y1: -1,
        },
      ),
    ).toEqual({ bounds: null, data: new Uint8Array(0) });
  });
});
