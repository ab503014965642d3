import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { distanceTransform, squaredDistanceTransform } from './distance-transform';

/** O(n^2) reference: squared distance from each pixel to the nearest 0 (or border) pixel. */
function bruteForce(bin: Uint8Array, w: number, h: number, zeroBorder: boolean): Float64Array {
  const zeros: [number, number][] = [];
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) if (!bin[y * w + x]) zeros.push([x, y]);
  if (zeroBorder) {
    for (let x = -1; x <= w; x++) zeros.push([x, -1], [x, h]);
    for (let y = 0; y < h; y++) zeros.push([-1, y], [w, y]);
  }
  const out = new Float64Array(w * h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      let best = Infinity;
      for (const [zx, zy] of zeros) best = Math.min(best, (x - zx) ** 2 + (y - zy) ** 2);
      out[y * w + x] = best;
    }
  return out;
}

const arbBinary = fc
  .record({
    w: fc.integer({ min: 1, max: 24 }),
    h: fc.integer({ min: 1, max: 24 }),
    density: fc.integer({ min: 0, max: 255 }),
  })
  .chain(({ w, h, density }) =>
    fc
      .uint8Array({ minLength: w * h, maxLength: w * h })
      .map((b) => ({ w, h, bin: b.map((v) => (v <= density ? 1 : 0)) })),
  );

describe('distanceTransform (Felzenszwalb-Huttenlocher)', () => {
  it('equals brute force on random binary images', () => {
    fc.assert(
      fc.property(arbBinary, fc.boolean(), ({ w, h, bin }, zeroBorder) => {
        const got = squaredDistanceTransform(bin, w, h, { zeroBorder });
        const want = bruteForce(bin, w, h, zeroBorder);
        expect(Array.from(got)).toEqual(Array.from(want));
      }),
      { numRuns: 300 },
    );
  });

  it('gives Infinity with no background and no zero border', () => {
    const d = distanceTransform(new Uint8Array(6).fill(1), 3, 2);
    expect(Array.from(d).every((v) => v === Infinity)).toBe(true);
  });

  it('gives the distance to the border with zeroBorder', () => {
    // 5x5 all foreground: centre is 3 px from the virtual border.
    const d = distanceTransform(new Uint8Array(25).fill(1), 5, 5, { zeroBorder: true });
    expect(d[12]).toBe(3);
    expect(d[0]).toBe(1);
  });

  it('rejects a size mismatch naming the field', () => {
    expect(() => distanceTransform(new Uint8Array(5), 2, 2)).toThrow(/binary/);
  });
});
