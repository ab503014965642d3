import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeMaskBytes,
  decodeMaskRuns,
  encodeMaskBytes,
  runsArea,
  runsBoundingBox,
  runsIntersectionArea,
} from './mask-bytes';
import { intersectionArea, maskArea, maskBoundingBox } from './mask-ops';

const maskPair = fc
  .record({
    w: fc.integer({ min: 1, max: 20 }),
    h: fc.integer({ min: 1, max: 20 }),
    a: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 400 }),
    b: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 400 }),
  })
  .map(({ w, h, a, b }) => {
    // Sparse-ish masks: 1 where the pattern says 3 (runs of every length, rows crossed).
    const make = (bits: number[]) =>
      Uint8Array.from({ length: w * h }, (_, i) => (bits[i % bits.length] === 3 ? 1 : 0));
    return { w, h, a: make(a), b: make(b) };
  });

describe('mask runs (the server computes area, box and overlap from them)', () => {
  it('area, bounding box and overlap equal the pixel versions', () => {
    fc.assert(
      fc.property(maskPair, ({ w, h, a, b }) => {
        const ma = { width: w, height: h, data: a };
        const mb = { width: w, height: h, data: b };
        const ra = decodeMaskRuns(encodeMaskBytes(ma));
        const rb = decodeMaskRuns(encodeMaskBytes(mb));
        expect(runsArea(ra)).toBe(maskArea(ma));
        expect(runsBoundingBox(ra)).toEqual(maskBoundingBox(ma));
        expect(runsIntersectionArea(ra, rb)).toBe(intersectionArea(ma, mb));
      }),
    );
  });

  it('refuses what decodeMaskBytes refuses, with the same message', () => {
    const good = encodeMaskBytes({ width: 3, height: 2, data: new Uint8Array([0, 1, 1, 0, 0, 1]) });
    for (const bad of [good.slice(0, -1), Uint8Array.from([...good, 0]), Uint8Array.from([1, 1])]) {
      expect(() => decodeMaskRuns(bad)).toThrow();
      let message = '';
      try {
        decodeMaskBytes(bad);
      } catch (error) {
        message = (error as Error).message;
      }
      expect(() => decodeMaskRuns(bad)).toThrow(message);
    }
    expect(runsBoundingBox(decodeMaskRuns(good))).toEqual({ x0: 1, y0: 0, x1: 3, y1: 2 });
  });
});
