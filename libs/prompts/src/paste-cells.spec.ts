import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pasteMaskLogits } from './sample';

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
