import { describe, expect, it } from 'vitest';
import { pseudoMaskFromBox } from './pseudo-mask-from-box';

describe('pseudoMaskFromBox', () => {
  it('takes the most confident output and clips it to the box', () => {
    const full = [new Float32Array(16).fill(0.2), new Float32Array(16).fill(0.9)];
    const prediction = {
      iouPredictions: [0.3, 0.85],
      fullResolution: (k: number) => full[k] as Float32Array,
    };
    const result = pseudoMaskFromBox(prediction, { x0: 1, y0: 1, x1: 3, y1: 3 }, 4, 4);
    expect(result.outputIndex).toBe(1);
    expect(result.confidence).toBeCloseTo(0.85);
    expect(Array.from(result.mask.data)).toEqual([0, 0, 0, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0]);
  });

  it('clamps a confidence outside 0..1 and treats NaN as no confidence', () => {
    const full = new Float32Array(4).fill(0.9);
    expect(
      pseudoMaskFromBox(
        { iouPredictions: [1.2], fullResolution: () => full },
        { x0: 0, y0: 0, x1: 2, y1: 2 },
        2,
        2,
      ).confidence,
    ).toBe(1);
    expect(
      pseudoMaskFromBox(
        { iouPredictions: [Number.NaN], fullResolution: () => full },
        { x0: 0, y0: 0, x1: 2, y1: 2 },
        2,
        2,
      ).confidence,
    ).toBe(0);
  });
});
