import { describe, expect, it } from 'vitest';
import type { ClassificationHeadWeights } from './classification-head';
import { activationPeaks, classActivationMap, resampleActivationMap } from './class-activation-map';
import type { FeatureGrid } from './feature-grid';

/** Head that passes feature 0 (parent) and feature 1 (one sub-class) straight through. */
function passThroughHead(): ClassificationHeadWeights {
  return {
    channels: 2,
    hidden: 2,
    subClasses: 1,
    featureMean: new Float32Array(2),
    featureStd: Float32Array.of(1, 1),
    hiddenWeight: Float32Array.of(1, 0, 0, 1),
    hiddenBias: new Float32Array(2),
    outputWeight: Float32Array.of(1, 0, 0, 1),
    outputBias: new Float32Array(2),
    poolingSharpness: 4,
  };
}

function grid(values: [number, number][], width: number, stride = 8): FeatureGrid {
  return {
    width,
    height: values.length / width,
    channels: 2,
    stride,
    data: Float32Array.from(values.flat()),
  };
}

describe('classActivationMap', () => {
  it('takes the highest ReLU score over parent and sub-classes, normalised to 0..1', () => {
    const cam = classActivationMap(
      passThroughHead(),
      grid(
        [
          [0, 0],
          [2, 1],
          [-3, 4],
          [1, -1],
        ],
        2,
      ),
    );
    expect(Array.from(cam.values)).toEqual([0, 0.5, 1, 0.25]);
    expect(cam.stride).toBe(8);
  });

  it('is all zero when the head finds no evidence', () => {
    const cam = classActivationMap(
      passThroughHead(),
      grid(
        [
          [-1, -2],
          [-0.5, 0],
        ],
        2,
      ),
    );
    expect(Array.from(cam.values)).toEqual([0, 0]);
  });

  it('refuses a grid with other channels than the head', () => {
    const bad: FeatureGrid = {
      width: 1,
      height: 1,
      channels: 3,
      stride: 8,
      data: new Float32Array(3),
    };
    expect(() => classActivationMap(passThroughHead(), bad)).toThrow(/3 channels/);
  });
});

describe('resampleActivationMap', () => {
  it('keeps a constant map constant and interpolates between cells', () => {
    const map = { width: 2, height: 1, stride: 8, values: Float32Array.of(0, 1) };
    const fine = resampleActivationMap(map, 2, 16, 8);
    expect(fine.width).toBe(8);
    expect(fine.height).toBe(4);
    // Left edge clamps to the first cell, the right edge to the second; monotone in between.
    expect(fine.values[0]).toBeCloseTo(0, 6);
    expect(fine.values[7]).toBeCloseTo(1, 6);
    for (let x = 1; x < 8; x++)
      expect(fine.values[x] as number).toBeGreaterThanOrEqual(fine.values[x - 1] as number);
  });
});

describe('activationPeaks', () => {
  it('returns local maxima above the threshold, strongest first, suppressed within minDistance', () => {
    const values = new Float32Array(25);
    values[6] = 0.9; // (1,1)
    values[7] = 0.8; // (2,1): next to a stronger one, not a local max
    values[18] = 0.7; // (3,3)
    values[24] = 0.3; // below minValue
    const map = { width: 5, height: 5, stride: 4, values };
    const peaks = activationPeaks(map, { minValue: 0.5, minDistance: 4, maxPeaks: 5 });
    expect(peaks.map((p) => [p.x, p.y, p.value])).toEqual([
      [6, 6, expect.closeTo(0.9, 6)],
      [14, 14, expect.closeTo(0.7, 6)],
    ]);
    expect(activationPeaks(map, { minValue: 0.5, minDistance: 20, maxPeaks: 5 })).toHaveLength(1);
    expect(activationPeaks(map, { minValue: 0.5, minDistance: 1, maxPeaks: 1 })).toHaveLength(1);
  });
});
