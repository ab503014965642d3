import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CropTransform } from './crop';
import {
  pasteAboveHalf,
  pasteMaskLogits,
  pasteProbabilities,
  pasteProbabilitiesAboveHalf,
  pasteUncomputedProbabilities,
  probabilitySampler,
  UNCOMPUTED_ABOVE_HALF,
} from './sample';

/** The per-pixel bilinear paste pasteMaskLogits did before it skipped whole cells (the reference). */
function referencePaste(
  logits: Float32Array,
  M: number,
  crop: { x0: number; y0: number; size: number },
  W: number,
  H: number,
  threshold: number,
): Uint8Array {
  const out = new Uint8Array(W * H);
  const k = M / crop.size;
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      if (x + 0.5 < crop.x0 || x + 0.5 >= crop.x0 + crop.size) continue;
      if (y + 0.5 < crop.y0 || y + 0.5 >= crop.y0 + crop.size) continue;
      const u = (x + 0.5 - crop.x0) * k - 0.5;
      const f = Math.floor(u);
      const a = Math.min(M - 1, Math.max(0, f));
      const b = Math.min(M - 1, Math.max(0, f + 1));
      const wx = Math.fround(u - f);
      const v = (y + 0.5 - crop.y0) * k - 0.5;
      const g = Math.floor(v);
      const r0 = Math.min(M - 1, Math.max(0, g)) * M;
      const r1 = Math.min(M - 1, Math.max(0, g + 1)) * M;
      const wy = v - g;
      const top = logits[r0 + a]! * (1 - wx) + logits[r0 + b]! * wx;
      const bot = logits[r1 + a]! * (1 - wx) + logits[r1 + b]! * wx;
      if (top * (1 - wy) + bot * wy > threshold) out[y * W + x] = 1;
    }
  return out;
}

describe('pasteMaskLogits at threshold 0 (whole cells above or below 0 skip the arithmetic)', () => {
  it('gives the per-pixel bilinear result exactly, zeros and crops over the edge included', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.array(fc.integer({ min: -3, max: 3 }), { minLength: 1, maxLength: 144 }),
        fc.double({ min: -20, max: 40, noNaN: true }),
        fc.double({ min: -20, max: 40, noNaN: true }),
        fc.double({ min: 1, max: 70, noNaN: true }),
        (M, values, x0, y0, size) => {
          // Small integers (many exact zeros) make cells of every kind and ties at 0.
          const logits = Float32Array.from({ length: M * M }, (_, i) => values[i % values.length]!);
          const crop = { x0, y0, size, inputSize: M, scale: M / size };
          const W = 48;
          const H = 40;
          expect(pasteMaskLogits(logits, M, crop, W, H, 0).data).toEqual(
            referencePaste(logits, M, crop, W, H, 0),
          );
        },
      ),
      { numRuns: 120 },
    );
  });
});

describe('pasteAboveHalf, pasteProbabilitiesAboveHalf, pasteUncomputedProbabilities and pasteMaskLogits on wide cells', () => {
  // Cells of about 50 px: a row of a cell whose logits straddle 0 is decided from its ends where
  // both lie on one side, and halved where they do not (pasteMixedSpan); the result must still be
  // pasteProbabilities' (per pixel, untouched) pixel for pixel, ties at 0 and the 0.5 band included.
  const M = 8;
  const W = 430;
  const H = 410;
  const scales = [1e-6, 4e-7, 3, 40];
  const logitsFor = (seed: number) => {
    let s = seed;
    const next = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) as number;
    return Float32Array.from({ length: M * M }, (_, i) =>
      i % 7 === 3 ? 0 : (next() - 0.5) * (scales[(i + seed) % scales.length] as number),
    );
  };
  const crops: CropTransform[] = [
    { x0: 3.25, y0: -7.5, size: 401.7 },
    { x0: -20, y0: 11.1, size: 420 },
  ].map((c) => ({ ...c, inputSize: 128, scale: 128 / c.size }));
  it('gives the per-pixel results exactly', () => {
    let above = 0;
    let below = 0;
    let halves = 0;
    for (const [c, crop] of crops.entries())
      for (let seed = 1; seed <= 6; seed++) {
        const logits = logitsFor(seed * 11 + c);
        const probabilities = pasteProbabilities(logits, M, crop, W, H);
        const aboveHalf = pasteAboveHalf(logits, M, crop, W, H);
        const foregroundOnly = pasteProbabilitiesAboveHalf(logits, M, crop, W, H);
        const uncomputed = pasteUncomputedProbabilities(logits, M, crop, W, H);
        const sample = probabilitySampler(logits, M, crop);
        const mask = pasteMaskLogits(logits, M, crop, W, H, 0).data;
        const reference = referencePaste(logits, M, crop, W, H, 0);
        for (let y = 0; y < H; y++)
          for (let x = 0; x < W; x++) {
            const i = y * W + x;
            const p = probabilities[i] as number;
            const inCrop =
              x + 0.5 >= crop.x0 &&
              x + 0.5 < crop.x0 + crop.size &&
              y + 0.5 >= crop.y0 &&
              y + 0.5 < crop.y0 + crop.size;
            // Pixel for pixel, counted in one place so a mismatch fails once, not 176,300 times.
            if (aboveHalf[i] !== (p > 0.5 ? 1 : 0)) expect([x, y, aboveHalf[i], p]).toBe('equal');
            const q = foregroundOnly[i] as number;
            const want = p > 0.5 ? p : inCrop ? NaN : 0;
            if (!Object.is(q, want)) expect([x, y, q, want]).toBe('equal');
            // No value computed: the sentinel above 0.5, NaN below, the sampler's value exact.
            const u = uncomputed[i] as number;
            const sentinel = p > 0.5 ? UNCOMPUTED_ABOVE_HALF : inCrop ? NaN : 0;
            if (!Object.is(u, sentinel)) expect([x, y, u, sentinel]).toBe('equal');
            if (inCrop && !Object.is(sample(x, y), p))
              expect([x, y, sample(x, y), p]).toBe('equal');
            if (mask[i] !== reference[i]) expect([x, y, mask[i], reference[i]]).toBe('equal');
            if (p > 0.5) above++;
            else if (inCrop) below++;
            if (p === 0.5) halves++;
          }
      }
    expect(above).toBeGreaterThan(100_000);
    expect(below).toBeGreaterThan(100_000);
    expect(halves).toBeGreaterThan(0);
  });
});
