import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeMaskBytes, encodeMaskBytes, encodeMaskRegionBytes } from './mask-bytes';
import { maskBoundingBox, maskBoundsWithin } from './mask-ops';

/** A w x h mask with 1s only inside [rx0, rx1) x [ry0, ry1), pattern from `bits`. */
const regionMask = fc
  .record({
    w: fc.integer({ min: 1, max: 24 }),
    h: fc.integer({ min: 1, max: 24 }),
    seed: fc.array(fc.boolean(), { minLength: 1, maxLength: 64 }),
    a: fc.tuple(fc.nat(), fc.nat(), fc.nat(), fc.nat()),
  })
  .map(({ w, h, seed, a }) => {
    const xs = [a[0] % (w + 1), a[1] % (w + 1)].sort((p, q) => p - q) as [number, number];
    const ys = [a[2] % (h + 1), a[3] % (h + 1)].sort((p, q) => p - q) as [number, number];
    const data = new Uint8Array(w * h);
    let k = 0;
    for (let y = ys[0]; y < ys[1]; y++)
      for (let x = xs[0]; x < xs[1]; x++) data[y * w + x] = seed[k++ % seed.length] ? 1 : 0;
    return { w, h, data, region: { x0: xs[0], y0: ys[0], x1: xs[1], y1: ys[1] } };
  });

describe('maskBoundsWithin', () => {
  it('equals the full-image bounding box when the mask is 0 outside the region', () => {
    fc.assert(
      fc.property(regionMask, ({ w, h, data, region }) => {
        expect(maskBoundsWithin(data, w, h, region)).toEqual(
          maskBoundingBox({ width: w, height: h, data }),
        );
      }),
    );
  });

  it('reads only the region (1s outside it are not seen)', () => {
    const data = new Uint8Array(10 * 10);
    data[0] = 1;
    data[5 * 10 + 6] = 1;
    expect(maskBoundsWithin(data, 10, 10, { x0: 4, y0: 4, x1: 8, y1: 8 })).toEqual({
      x0: 6,
      y0: 5,
      x1: 7,
      y1: 6,
    });
  });
});

describe('encodeMaskBytes within a rectangle', () => {
  it('gives the same bytes as the full scan, for the region or the bounding box', () => {
    fc.assert(
      fc.property(regionMask, ({ w, h, data, region }) => {
        const mask = { width: w, height: h, data };
        const full = encodeMaskBytes(mask);
        expect(encodeMaskBytes(mask, region)).toEqual(full);
        expect(encodeMaskBytes(mask, maskBoundingBox(mask))).toEqual(full);
        expect(decodeMaskBytes(encodeMaskBytes(mask, region)).data).toEqual(data);
      }),
    );
  });

  it('full-width rows that follow each other stay one run', () => {
    const mask = {
      width: 4,
      height: 3,
      data: new Uint8Array([0, 0, 0, 1, 1, 1, 1, 1, 1, 0, 0, 0]),
    };
    expect(encodeMaskBytes(mask, { x0: 0, y0: 0, x1: 4, y1: 3 })).toEqual(encodeMaskBytes(mask));
  });
});

describe('encodeMaskRegionBytes (a crop-sized mask and its rectangle)', () => {
  /** The region's pixels of a full mask, row by row. */
  const cropOf = (
    data: Uint8Array,
    w: number,
    r: { x0: number; y0: number; x1: number; y1: number },
  ) => {
    const bw = r.x1 - r.x0;
    const out = new Uint8Array(bw * (r.y1 - r.y0));
    for (let y = r.y0; y < r.y1; y++)
      out.set(data.subarray(y * w + r.x0, y * w + r.x1), (y - r.y0) * bw);
    return out;
  };

  it('gives the bytes of the full-resolution mask, for any rectangle holding it', () => {
    fc.assert(
      fc.property(regionMask, ({ w, h, data, region }) => {
        const full = encodeMaskBytes({ width: w, height: h, data });
        const empty = region.x1 <= region.x0 || region.y1 <= region.y0;
        const bounds = empty ? null : region;
        const crop = bounds ? cropOf(data, w, bounds) : new Uint8Array(0);
        expect(encodeMaskRegionBytes(w, h, bounds, crop)).toEqual(full);
        const tight = maskBoundingBox({ width: w, height: h, data });
        expect(
          encodeMaskRegionBytes(w, h, tight, tight ? cropOf(data, w, tight) : new Uint8Array(0)),
        ).toEqual(full);
      }),
    );
  });

  it('refuses a crop that does not fit its rectangle or the image', () => {
    expect(() =>
      encodeMaskRegionBytes(4, 3, { x0: 2, y0: 0, x1: 6, y1: 2 }, new Uint8Array(8)),
    ).toThrow(/does not fit/);
    expect(() =>
      encodeMaskRegionBytes(4, 3, { x0: 0, y0: 0, x1: 2, y1: 2 }, new Uint8Array(3)),
    ).toThrow(/does not fit/);
  });
});
