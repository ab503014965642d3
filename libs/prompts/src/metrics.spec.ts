import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Mask } from './mask';
import { createMask, maskFromData } from './mask';
import { dice, hausdorff95, iou, maskBoundary, percentile } from './metrics';

function rect(w: number, h: number, x0: number, y0: number, x1: number, y1: number): Mask {
  const m = createMask(w, h);
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) m.data[y * w + x] = 1;
  return m;
}

describe('dice / iou', () => {
  it('known shapes', () => {
    const a = rect(20, 20, 0, 0, 10, 10); // 100
    const b = rect(20, 20, 5, 0, 15, 10); // 100, overlap 50
    expect(iou(a, b)).toBeCloseTo(50 / 150, 12);
    expect(dice(a, b)).toBeCloseTo(100 / 200, 12);
    expect(iou(a, a)).toBe(1);
    expect(dice(a, createMask(20, 20))).toBe(0);
  });
  it('both empty -> 1', () => {
    expect(iou(createMask(3, 3), createMask(3, 3))).toBe(1);
    expect(dice(createMask(3, 3), createMask(3, 3))).toBe(1);
  });
  it('size mismatch names the mask', () => {
    expect(() => iou(createMask(3, 3), createMask(3, 4))).toThrow(/^b: size 3x4 does not match/);
  });
});

describe('hausdorff95', () => {
  it('is 0 for identical masks', () => {
    const a = rect(30, 30, 5, 5, 20, 20);
    expect(hausdorff95(a, a)).toBe(0);
  });
  it('equals the shift for a translated square', () => {
    const a = rect(40, 40, 5, 5, 20, 20);
    const b = rect(40, 40, 8, 5, 23, 20);
    // Left/right edges are 3 px apart; top/bottom boundary points are <= 3 px from b's boundary.
    expect(hausdorff95(a, b)).toBeCloseTo(3, 9);
  });
  it('a small square inside a large one: concentric boundaries', () => {
    const a = rect(50, 50, 10, 10, 40, 40); // boundary ring at 10 and 39
    const b = rect(50, 50, 20, 20, 30, 30); // boundary ring at 20 and 29
    // Every boundary pixel of b is exactly 10 px from a's boundary (straight out); a's corners are farther.
    const hd = hausdorff95(a, b);
    expect(hd).toBeGreaterThanOrEqual(10);
    expect(hd).toBeLessThan(10 * Math.SQRT2 + 1e-9);
  });
  it('empty masks: both -> 0, one -> Infinity', () => {
    expect(hausdorff95(createMask(5, 5), createMask(5, 5))).toBe(0);
    expect(hausdorff95(rect(5, 5, 1, 1, 3, 3), createMask(5, 5))).toBe(Infinity);
  });
  it('percentile interpolates like numpy', () => {
    expect(percentile(Float64Array.from([1, 2, 3, 4]), 50)).toBe(2.5);
    expect(percentile(Float64Array.from([0, 10]), 95)).toBeCloseTo(9.5, 12);
  });
});

/** Reference: all pairwise boundary distances, numpy-style percentile, max of both directions. */
function hd95Reference(a: Mask, b: Mask): number {
  const pts = (m: Mask) => {
    const bd = maskBoundary(m);
    const out: [number, number][] = [];
    bd.forEach((v, i) => v && out.push([i % m.width, Math.floor(i / m.width)]));
    return out;
  };
  const pa = pts(a);
  const pb = pts(b);
  if (!pa.length && !pb.length) return 0;
  if (!pa.length || !pb.length) return Infinity;
  const directed = (from: [number, number][], to: [number, number][]) =>
    Float64Array.from(from, ([x, y]) => Math.min(...to.map(([u, v]) => Math.hypot(x - u, y - v))));
  return Math.max(percentile(directed(pa, pb), 95), percentile(directed(pb, pa), 95));
}

describe('hausdorff95 vs brute force', () => {
  it('agrees on random masks', () => {
    const arb = fc
      .record({ w: fc.integer({ min: 1, max: 16 }), h: fc.integer({ min: 1, max: 16 }) })
      .chain(({ w, h }) =>
        fc.tuple(
          fc.constant(w),
          fc.constant(h),
          fc.uint8Array({ minLength: w * h, maxLength: w * h }),
        ),
      );
    fc.assert(
      fc.property(arb, ([w, h, bytes]) => {
        const a = maskFromData(
          w,
          h,
          Array.from(bytes, (v) => ((v & 3) === 0 ? 1 : 0)),
        );
        const b = maskFromData(
          w,
          h,
          Array.from(bytes, (v) => ((v & 12) === 0 ? 1 : 0)),
        );
        const got = hausdorff95(a, b);
        const want = hd95Reference(a, b);
        if (Number.isFinite(want)) expect(got).toBeCloseTo(want, 5);
        else expect(got).toBe(want);
      }),
      { numRuns: 200 },
    );
  });
});
