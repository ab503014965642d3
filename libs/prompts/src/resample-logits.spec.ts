import { describe, expect, it } from 'vitest';
import { computeCrop } from './crop';
import { resampleLogits } from './resample-logits';
import { pasteMaskLogits } from './sample';

const M = 16;
const OPTIONS = { inputSize: 64, contextMargin: 0.5, minCropSize: 12 };
const IMAGE = { width: 100, height: 80 };

/** Logits over `crop` of a disc centred at (cx, cy) radius r in image px: r - distance. */
function discLogits(crop: ReturnType<typeof computeCrop>, cx: number, cy: number, r: number) {
  const out = new Float32Array(M * M);
  for (let j = 0; j < M; j++)
    for (let i = 0; i < M; i++) {
      const x = crop.x0 + ((i + 0.5) * crop.size) / M;
      const y = crop.y0 + ((j + 0.5) * crop.size) / M;
      out[j * M + i] = r - Math.hypot(x - cx, y - cy);
    }
  return out;
}

describe('resampleLogits', () => {
  it('gives the logits back on the same crop', () => {
    const crop = computeCrop({ x0: 30, y0: 20, x1: 50, y1: 44 }, IMAGE, OPTIONS);
    const logits = discLogits(crop, 40, 32, 8);
    expect(Array.from(resampleLogits(logits, M, crop, crop))).toEqual(
      Array.from(logits).map((v) => expect.closeTo(v, 5)),
    );
  });

  it('keeps the object where it is in the image when the crop moves and grows', () => {
    const from = computeCrop({ x0: 30, y0: 20, x1: 50, y1: 44 }, IMAGE, OPTIONS);
    const to = computeCrop({ x0: 26, y0: 22, x1: 58, y1: 50 }, IMAGE, OPTIONS);
    const moved = resampleLogits(discLogits(from, 40, 32, 8), M, from, to);
    const truth = discLogits(to, 40, 32, 8);
    // A linear-ish field inside `from`: bilinear sampling is close; cells outside get the fill.
    let inside = 0;
    for (let j = 0; j < M; j++)
      for (let i = 0; i < M; i++) {
        const x = to.x0 + ((i + 0.5) * to.size) / M;
        const y = to.y0 + ((j + 0.5) * to.size) / M;
        const k = j * M + i;
        if (
          x > from.x0 + 2 &&
          x < from.x0 + from.size - 2 &&
          y > from.y0 + 2 &&
          y < from.y0 + from.size - 2
        ) {
          inside += 1;
          expect(Math.abs((moved[k] as number) - (truth[k] as number))).toBeLessThan(1);
        }
      }
    expect(inside).toBeGreaterThan(50);
    // Pasted to the image, both crops give nearly the same mask.
    const a = pasteMaskLogits(discLogits(from, 40, 32, 8), M, from, IMAGE.width, IMAGE.height).data;
    const b = pasteMaskLogits(moved, M, to, IMAGE.width, IMAGE.height).data;
    let diff = 0;
    let area = 0;
    for (let i = 0; i < a.length; i++) {
      diff += a[i] !== b[i] ? 1 : 0;
      area += a[i] as number;
    }
    expect(area).toBeGreaterThan(150);
    expect(diff / area).toBeLessThan(0.1);
  });

  it('fills cells outside the old crop with the lowest logit or the given value', () => {
    const from = { x0: 0, y0: 0, size: 16, inputSize: 64, scale: 4 };
    const to = { x0: 16, y0: 0, size: 16, inputSize: 64, scale: 4 };
    const logits = Float32Array.from({ length: M * M }, (_, i) => i - 5);
    expect(new Set(resampleLogits(logits, M, from, to))).toEqual(new Set([-5]));
    expect(new Set(resampleLogits(logits, M, from, to, -30))).toEqual(new Set([-30]));
  });

  it('refuses logits of the wrong length', () => {
    const crop = { x0: 0, y0: 0, size: 16, inputSize: 64, scale: 4 };
    expect(() => resampleLogits(new Float32Array(10), M, crop, crop)).toThrow(/maskSize/);
  });
});
