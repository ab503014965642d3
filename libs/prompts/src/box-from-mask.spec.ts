import { describe, expect, it } from 'vitest';
import { boxFromMask } from './box-from-mask';
import { createMask } from './mask';
import { createRng } from './rng';

function rect(w: number, h: number, x0: number, y0: number, x1: number, y1: number) {
  const m = createMask(w, h);
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) m.data[y * w + x] = 1;
  return m;
}

describe('createRng', () => {
  it('is deterministic per seed and in [0, 1)', () => {
    const a = createRng(42);
    const b = createRng(42);
    const xs = Array.from({ length: 1000 }, () => a());
    expect(xs).toEqual(Array.from({ length: 1000 }, () => b.next()));
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(createRng(43)()).not.toBe(xs[0]);
    const r = createRng(1);
    const ints = Array.from({ length: 2000 }, () => r.int(-2, 2));
    expect(new Set(ints)).toEqual(new Set([-2, -1, 0, 1, 2]));
  });
});

describe('boxFromMask', () => {
  const gt = rect(200, 100, 50, 30, 120, 70);
  it('is the tight box without jitter', () => {
    expect(boxFromMask(gt)).toEqual({ x0: 50, y0: 30, x1: 120, y1: 70 });
  });
  it('moves each side by at most jitterPx, deterministically', () => {
    const rng = createRng(7);
    for (let i = 0; i < 200; i++) {
      const b = boxFromMask(gt, { jitterPx: 20, rng });
      expect(Math.abs(b.x0 - 50)).toBeLessThanOrEqual(20);
      expect(Math.abs(b.y0 - 30)).toBeLessThanOrEqual(20);
      expect(Math.abs(b.x1 - 120)).toBeLessThanOrEqual(20);
      expect(Math.abs(b.y1 - 70)).toBeLessThanOrEqual(20);
      expect(b.x1).toBeGreaterThan(b.x0);
    }
    expect(boxFromMask(gt, { jitterPx: 20, rng: createRng(3) })).toEqual(
      boxFromMask(gt, { jitterPx: 20, rng: createRng(3) }),
    );
  });
  it('clamps to the image and keeps tiny objects non-empty', () => {
    const corner = rect(20, 20, 0, 0, 1, 1);
    const rng = createRng(9);
    for (let i = 0; i < 100; i++) {
      const b = boxFromMask(corner, { jitterPx: 20, rng });
      expect(b.x0).toBeGreaterThanOrEqual(0);
      expect(b.y0).toBeGreaterThanOrEqual(0);
      expect(b.x1).toBeLessThanOrEqual(20);
      expect(b.x1).toBeGreaterThan(b.x0);
      expect(b.y1).toBeGreaterThan(b.y0);
    }
  });
  it('outwardOnly (MedSAM) never shrinks the box', () => {
    const rng = createRng(5);
    for (let i = 0; i < 100; i++) {
      const b = boxFromMask(gt, { jitterPx: 20, rng, outwardOnly: true });
      expect(b.x0).toBeLessThanOrEqual(50);
      expect(b.x1).toBeGreaterThanOrEqual(120);
    }
  });
  it('errors name the field', () => {
    expect(() => boxFromMask(createMask(5, 5))).toThrow(/^mask: is empty/);
    expect(() => boxFromMask(gt, { jitterPx: 5 })).toThrow(/^rng/);
    expect(() => boxFromMask(gt, { imageSize: { width: 10, height: 10 } })).toThrow(/^mask: size/);
  });
});
