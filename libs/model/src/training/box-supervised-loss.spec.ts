import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTrainingBackend } from '../test-setup';
import { PAIR_OFFSETS, boxSupervisedLoss, pairwiseAffinity } from './box-supervised-loss';

const M = 16;

/** A box target on the M x M grid: cells with x0 <= x < x1, y0 <= y < y1. */
function boxTarget(x0: number, y0: number, x1: number, y1: number): Float32Array {
  const t = new Float32Array(M * M);
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) t[y * M + x] = 1;
  return t;
}

/** Logits [1, 1, M, M]: +8 where `inside(x, y)`, -8 elsewhere. */
function logits(inside: (x: number, y: number) => boolean): tf.Tensor {
  const data = new Float32Array(M * M);
  for (let y = 0; y < M; y++) for (let x = 0; x < M; x++) data[y * M + x] = inside(x, y) ? 8 : -8;
  return tf.tensor4d(data, [1, 1, M, M]);
}

function loss(masks: tf.Tensor, target: Float32Array, affinity: Float32Array, weight = 1): number {
  return tf.tidy(
    () =>
      boxSupervisedLoss(
        masks,
        tf.tensor2d(target, [1, M * M]),
        tf.tensor2d(affinity, [1, PAIR_OFFSETS.length * M * M]),
        tf.tensor1d([weight]),
        1,
        { pairwiseWeight: 1 }, // the term at full weight, so its effect is plain
      ).dataSync()[0] as number,
  );
}

describe('box-supervised loss (BoxInst)', () => {
  beforeAll(useTrainingBackend);

  it('the projection term is ~0 for a mask that spans its box and grows for one that does not', () => {
    const target = boxTarget(4, 4, 12, 12);
    const none = new Float32Array(PAIR_OFFSETS.length * M * M);
    // A disc inside the box touching all four sides projects exactly onto the box.
    const disc = logits((x, y) => (x - 7.5) ** 2 + (y - 7.5) ** 2 <= 16.5);
    expect(loss(disc, target, none)).toBeLessThan(0.02);
    const leftHalf = logits((x, y) => x >= 4 && x < 8 && y >= 4 && y < 12);
    expect(loss(leftHalf, target, none)).toBeGreaterThan(0.2);
    const spilling = logits((x, y) => x >= 0 && x < 16 && y >= 4 && y < 12);
    expect(loss(spilling, target, none)).toBeGreaterThan(0.2);
    expect(loss(leftHalf, target, none, 0)).toBe(0);
  });

  it('pairwise affinity keeps similar neighbour pairs touching the box, not across an edge or outside it', () => {
    const inputSize = 32; // 2 x 2 input pixels per mask cell
    const input = new Float32Array(inputSize * inputSize);
    // Left half dark, right half bright (an intensity edge at x = 8 cells).
    for (let y = 0; y < inputSize; y++)
      for (let x = 0; x < inputSize; x++) input[y * inputSize + x] = x < 16 ? -1 : 1;
    const target = boxTarget(2, 2, 14, 14);
    const affinity = pairwiseAffinity(input, inputSize, target, M);
    const horizontal = (x: number, y: number) => affinity[0 * M * M + y * M + x];
    expect(horizontal(3, 5)).toBe(1); // both dark, inside
    expect(horizontal(7, 5)).toBe(0); // (7,5)-(9,5) crosses the edge
    expect(horizontal(0, 5)).toBe(1); // (0,5)-(2,5): one end inside carries 'outside' in
    expect(horizontal(3, 0)).toBe(0); // (3,0)-(5,0): both outside the box
    expect(horizontal(9, 5)).toBe(1); // both bright, inside
  });

  it('the pairwise term charges a split over similar pairs, not a split along the intensity edge', () => {
    const inputSize = 32;
    const input = new Float32Array(inputSize * inputSize);
    for (let y = 0; y < inputSize; y++)
      for (let x = 0; x < inputSize; x++) input[y * inputSize + x] = x < 16 ? -1 : 1;
    const target = boxTarget(0, 0, 16, 16);
    const affinity = pairwiseAffinity(input, inputSize, target, M);
    const none = new Float32Array(PAIR_OFFSETS.length * M * M);
    // The pairwise part alone: the loss with the pairs minus the loss without them.
    const pairwise = (mask: tf.Tensor) => loss(mask, target, affinity) - loss(mask, target, none);
    const alongEdge = pairwise(logits((x) => x >= 8));
    const acrossRegion = pairwise(logits((x) => x >= 4));
    expect(alongEdge).toBeLessThan(0.01);
    expect(acrossRegion).toBeGreaterThan(alongEdge + 0.05);
  });

  it('the box filled is not free: pairs leaving the box charge its edge when the outside is background', () => {
    const inputSize = 32;
    const input = new Float32Array(inputSize * inputSize); // uniform: every pair is similar
    const target = boxTarget(4, 4, 12, 12);
    const affinity = pairwiseAffinity(input, inputSize, target, M);
    const filled = loss(
      logits((x, y) => x >= 4 && x < 12 && y >= 4 && y < 12),
      target,
      affinity,
    );
    const none = new Float32Array(PAIR_OFFSETS.length * M * M);
    expect(
      loss(
        logits((x, y) => x >= 4 && x < 12 && y >= 4 && y < 12),
        target,
        none,
      ),
    ).toBeLessThan(0.02);
    expect(filled).toBeGreaterThan(0.5);
  });

  it('gradients are finite and push a half mask towards the whole box', () => {
    const target = boxTarget(4, 4, 12, 12);
    const none = new Float32Array(PAIR_OFFSETS.length * M * M);
    const half = logits((x, y) => x >= 4 && x < 8 && y >= 4 && y < 12);
    const start = tf.mul(half, 0.4); // logits +-3.2: not saturated
    const grad = tf.grad((m: tf.Tensor) =>
      boxSupervisedLoss(
        m,
        tf.tensor2d(target, [1, M * M]),
        tf.tensor2d(none, [1, PAIR_OFFSETS.length * M * M]),
        tf.tensor1d([1]),
        1,
      ),
    )(start);
    const g = grad.dataSync();
    expect(g.every((v) => Number.isFinite(v))).toBe(true);
    // The missed right half of the box: some cell there is pushed up (negative gradient).
    let missed = 0;
    for (let y = 4; y < 12; y++)
      for (let x = 8; x < 12; x++) missed = Math.min(missed, g[y * M + x] as number);
    expect(missed).toBeLessThan(0);
    tf.dispose([half, start, grad]);
  });
});
