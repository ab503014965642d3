import { describe, expect, it } from 'vitest';
import { promptAffinity, type PromptedMask } from './prompt-affinity-mining';
import { candidateActivationMap, refineCandidatesByAffinity } from './prompt-affinity-refinement';

const SIZE = 32;

/** A square prompted mask [x0, x1) x [y0, y1) in a SIZE x SIZE image. */
function square(x0: number, y0: number, x1: number, y1: number, iou = 0.9): PromptedMask {
  const probabilities = new Float32Array(SIZE * SIZE);
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) probabilities[y * SIZE + x] = 1;
  return {
    peak: { x: (x0 + x1) / 2, y: (y0 + y1) / 2, value: 1 },
    probabilities,
    iouPrediction: iou,
  };
}

const area = (mask: Uint8Array) => mask.reduce((n, v) => n + v, 0);
const WALK = { stride: 2, radius: 2, beta: 8, iterations: 20, rule: 'boundary' as const, level: 1 };

describe('candidateActivationMap', () => {
  it('paints the strongest score over the masks holding a node, 0 elsewhere', () => {
    const masks = [square(0, 0, 16, 16), square(8, 8, 24, 24)];
    const cam = candidateActivationMap(masks, [0.4, 0.8], SIZE, SIZE, 2);
    expect(cam.width).toBe(16);
    expect(cam.values[2 * 16 + 2]).toBeCloseTo(0.4); // only the first mask
    expect(cam.values[5 * 16 + 5]).toBeCloseTo(0.8); // both: the stronger
    expect(cam.values[14 * 16 + 14]).toBe(0);
  });
});

describe('promptAffinity co-membership', () => {
  it('keeps nested masks partly affine where the boundary rule cuts them', () => {
    const masks = [square(0, 0, 32, 32), square(8, 8, 24, 24)];
    const weight = (rule: 'boundary' | 'co-membership', i: number, j: number) => {
      const g = promptAffinity(masks, SIZE, SIZE, { stride: 2, radius: 1, beta: 1, rule });
      for (let e = g.start[i] as number; e < (g.start[i + 1] as number); e++)
        if (g.neighbours[e] === j) return g.weights[e];
      return undefined;
    };
    // Node (3, 5) lies in the outer mask only, (4, 5) in both.
    expect(weight('boundary', 5 * 16 + 3, 5 * 16 + 4)).toBe(0);
    expect(weight('co-membership', 5 * 16 + 3, 5 * 16 + 4)).toBeCloseTo(0.5);
    expect(weight('co-membership', 5 * 16 + 5, 5 * 16 + 6)).toBe(1);
  });
});

describe('refineCandidatesByAffinity', () => {
  it('at level 1 with boundary affinity keeps the masks at or above the threshold', () => {
    const lesion = square(2, 2, 10, 10);
    const vessel = square(20, 20, 30, 30);
    const out = refineCandidatesByAffinity([lesion, vessel], [0.9, 0.3], SIZE, SIZE, 0.7, WALK);
    expect(area(out.mask)).toBe(64);
    expect(out.mask[5 * SIZE + 5]).toBe(1);
    expect(out.mask[25 * SIZE + 25]).toBe(0);
    expect(out.masksKept).toBe(1);
    expect(out.confidence).toBeGreaterThan(0.75);
    expect(out.confidence).toBeLessThanOrEqual(0.9);
  });

  it('keeps the best mask when none reaches the threshold (the tag says a lesion is there)', () => {
    const out = refineCandidatesByAffinity(
      [square(2, 2, 10, 10), square(20, 20, 30, 30)],
      [0.3, 0.5],
      SIZE,
      SIZE,
      0.7,
      WALK,
    );
    expect(out.mask[25 * SIZE + 25]).toBe(1);
    expect(out.mask[5 * SIZE + 5]).toBe(0);
  });

  it('co-membership spreads a strong core into the weak mask around it, boundary does not', () => {
    const core = square(12, 12, 20, 20);
    const around = square(6, 6, 26, 26);
    const masks = [core, around];
    const scores = [0.9, 0.2];
    const cut = refineCandidatesByAffinity(masks, scores, SIZE, SIZE, 0.7, { ...WALK, level: 0.5 });
    const spread = refineCandidatesByAffinity(masks, scores, SIZE, SIZE, 0.7, {
      ...WALK,
      rule: 'co-membership',
      beta: 1,
      level: 0.5,
    });
    expect(area(cut.mask)).toBe(64);
    expect(area(spread.mask)).toBeGreaterThan(64);
    expect(area(spread.mask)).toBeLessThanOrEqual(400);
    // Nothing outside the prompted masks.
    expect(spread.mask[2 * SIZE + 2]).toBe(0);
  });

  it('returns an empty mask with no candidate and refuses mismatched scores', () => {
    const out = refineCandidatesByAffinity([], [], SIZE, SIZE, 0.7, WALK);
    expect(area(out.mask)).toBe(0);
    expect(out.confidence).toBe(0);
    expect(() =>
      refineCandidatesByAffinity([square(0, 0, 4, 4)], [], SIZE, SIZE, 0.7, WALK),
    ).toThrow(/0 scores for 1/);
  });
});
