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

  it('pairwise affinity keeps similar neighbour pairs inside the box, not across an edge or outside', () => {
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
    expect(horizontal(0, 5)).toBe(0); // outside the box
    expect(horizontal(12, 5)).toBe(0); // (12,5)-(14,5): the partner leaves the box
    expect(horizontal(9, 5)).toBe(1); // both bright, inside
  });

  it('the pairwise term charges a split over similar pairs, not a split along the intensity edge', () => {
    const inputSize = 32;
    const input = new Float32Array(inputSize * inputSize);
    for (let y = 0; y < inputSize; y++)
      for (let x = 0; x < inputSize; x++) input[y * inputSize + x] = x < 16 ? -1 : 1;
    const target = boxTarget(0, 0, 16, 16);
    const affinity = pairwiseAffinity(input, inputSize, target, M);
    const alongEdge = loss(
      logits((x) => x >= 8),
      target,
      affinity,
    );
    const acrossRegion = loss(
      logits((x) => x >= 4),
      target,
      affinity,
    );
    expect(acrossRegion).toBeGreaterThan(alongEdge + 0.05);
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
