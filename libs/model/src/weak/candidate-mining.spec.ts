import { describe, expect, it } from 'vitest';
import { createRng } from '../ops/seeded-random';
import {
  blobPeaks,
  candidateScore,
  describeCandidate,
  robustZ,
  trainCandidateClassifier,
} from './candidate-mining';

/** 64 x 64 noisy image with a bright disc of radius r at (cx, cy) and a bright line at y = 50. */
function image(cx: number, cy: number, r: number, seed = 1): Float32Array {
  const rng = createRng(seed);
  const lum = new Float32Array(64 * 64);
  for (let y = 0; y < 64; y++)
    for (let x = 0; x < 64; x++) {
      let v = 0.2 + 0.01 * rng.normal();
      if (Math.hypot(x + 0.5 - cx, y + 0.5 - cy) < r) v += 0.5;
      if (y === 50) v += 0.3;
      lum[y * 64 + x] = v;
    }
  return lum;
}

describe('blobPeaks', () => {
  it('puts the strongest peak on a bright blob, not on a bright line', () => {
    const peaks = blobPeaks(image(20, 20, 6), 64, 64, {
      sigmas: [2, 4, 8],
      stride: 2,
      maxPeaks: 3,
      minDistance: 8,
    });
    expect(peaks.length).toBeGreaterThan(0);
    const top = peaks[0]!;
    expect(Math.hypot(top.x - 20, top.y - 20)).toBeLessThan(4);
    expect(top.value).toBe(1);
    for (let i = 1; i < peaks.length; i++)
      expect(peaks[i]!.value).toBeLessThanOrEqual(peaks[i - 1]!.value);
  });
});

describe('describeCandidate', () => {
  it('measures size, brightness, contrast with the ring, fill and elongation', () => {
    const lum = image(20, 20, 6);
    const z = robustZ(lum);
    const pixels: number[] = [];
    for (let y = 0; y < 64; y++)
      for (let x = 0; x < 64; x++)
        if (Math.hypot(x + 0.5 - 20, y + 0.5 - 20) < 6) pixels.push(y * 64 + x);
    const f = describeCandidate(z, 64, 64, Int32Array.from(pixels), 0.9);
    expect(f[0]).toBeCloseTo(Math.log(pixels.length));
    expect(f[1]).toBeGreaterThan(10); // 0.5 above a background of noise 0.01
    expect(f[2]).toBeGreaterThan(10); // the ring is background
    expect(f[4]).toBeGreaterThan(0.7); // a disc fills ~pi/4 of its box
    expect(f[4]).toBeLessThan(0.85);
    expect(f[5]).toBe(1);
    expect(f[6]).toBeCloseTo(0.9);
  });
});

describe('trainCandidateClassifier', () => {
  it('learns from bags which candidate kind only present images have', () => {
    const rng = createRng(4);
    // Feature 0: "lesion-ness"; absent bags have only low values, present bags one high one.
    const candidate = (lesion: boolean) =>
      Float32Array.from([lesion ? 2 + rng.normal() * 0.3 : rng.normal() * 0.3, rng.normal()]);
    const bags = Array.from({ length: 20 }, (_, i) => ({
      present: i % 2 === 0,
      features: [
        candidate(false),
        candidate(false),
        ...(i % 2 === 0 ? [candidate(true)] : []),
        candidate(false),
      ],
    }));
    const classifier = trainCandidateClassifier(bags);
    expect(classifier.weights[0]).toBeGreaterThan(Math.abs(classifier.weights[1]!));
    expect(candidateScore(classifier, Float32Array.from([2, 0]))).toBeGreaterThan(0.7);
    expect(candidateScore(classifier, Float32Array.from([0, 0]))).toBeLessThan(0.3);
    expect(Number.isFinite(classifier.finalLoss)).toBe(true);
  });

  it('refuses bags without both tags', () => {
    expect(() =>
      trainCandidateClassifier([{ present: true, features: [Float32Array.from([1])] }]),
    ).toThrow(/present and absent/);
  });
});
