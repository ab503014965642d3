import { describe, expect, it } from 'vitest';
import { computeInformativeness } from './compute-informativeness';

const sharp = new Float32Array([0.99, 0.99, 0.01, 0.01]);
const blurry = new Float32Array([0.8, 0.6, 0.4, 0.2]);
const other = new Float32Array([0.01, 0.01, 0.99, 0.99]);

describe('computeInformativeness', () => {
  it('scores a confident, consistent, stable prediction low', () => {
    const result = computeInformativeness([sharp, sharp, sharp, sharp], [0.95, 0.9, 0.9, 0.9]);
    expect(result.iouConfidence).toBeCloseTo(0.95);
    expect(result.multimaskDisagreement).toBe(0);
    expect(result.thresholdInstability).toBe(0);
    expect(result.score).toBeCloseTo(0.05 / 3);
  });

  it('scores disagreeing, unstable, unsure predictions high', () => {
    const result = computeInformativeness([blurry, sharp, other, blurry], [0.4, 0.3, 0.35, 0.45]);
    expect(result.iouConfidence).toBeCloseTo(0.45);
    // multimask pairs: sharp/other 0, sharp/blurry 1, other/blurry 0 (at 0.5) -> mean 1/3
    expect(result.multimaskDisagreement).toBeCloseTo(2 / 3);
    // chosen (index 3, blurry): above 0.73 {0.8}, above 0.27 {0.8, 0.6, 0.4} -> IoU 1/3
    expect(result.thresholdInstability).toBeCloseTo(2 / 3);
    expect(result.score).toBeGreaterThan(0.5);
  });

  it('rejects mismatched inputs', () => {
    expect(() => computeInformativeness([sharp], [0.1, 0.2])).toThrow(RangeError);
  });
});
