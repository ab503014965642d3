import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTrainingBackend } from '../test-setup';
import { bceLoss, clickLoss, diceLoss, segmenterLoss, trueIou } from './losses';

describe('losses', () => {
  beforeAll(useTrainingBackend);

  it('Dice is ~0 for a confident perfect prediction and ~1 for a disjoint one; BCE matches its formula', () => {
    tf.tidy(() => {
      const target = tf.tensor3d([[[1, 1, 0, 0]]]);
      expect(diceLoss(tf.tensor3d([[[20, 20, -20, -20]]]), target).dataSync()[0]).toBeLessThan(
        1e-3,
      );
      expect(diceLoss(tf.tensor3d([[[-20, -20, 20, 20]]]), target).dataSync()[0]).toBeGreaterThan(
        0.7,
      );
      const bce = bceLoss(tf.tensor3d([[[0.5, -1, 2, 0]]]), target).dataSync()[0] as number;
      const manual = [0.5, -1, 2, 0].map((l, i) => {
        const t = [1, 1, 0, 0][i] as number;
        const p = 1 / (1 + Math.exp(-l));
        return -(t * Math.log(p) + (1 - t) * Math.log(1 - p));
      });
      expect(bce).toBeCloseTo(manual.reduce((a, b) => a + b) / 4, 5);
    });
  });

  it('trueIou thresholds logits at 0', () => {
    expect(
      Array.from(
        trueIou(Float32Array.of(1, 1, -1, -1, 1, -1, -1, -1), Float32Array.of(1, 0, 0, 0), 1, 2, 4),
      ),
    ).toEqual([0.5, 1]);
  });

  it('a sample with weight 0 does not change the loss; weights scale it otherwise', () => {
    tf.tidy(() => {
      const masks = tf.randomNormal([2, 4, 2, 2], 0, 2, 'float32', 1);
      const iou = tf.sigmoid(tf.randomNormal([2, 4], 0, 1, 'float32', 2));
      const targets = Float32Array.of(1, 0, 1, 0, 0, 0, 1, 1);
      const t = tf.tensor2d(targets, [2, 4]);
      const w = { dice: 1, bce: 1, iou: 1 };
      const both = segmenterLoss(
        masks,
        iou,
        t,
        targets,
        tf.tensor1d([1, 0]),
        w,
      ).total.dataSync()[0] as number;
      const first = segmenterLoss(
        tf.slice(masks, [0, 0, 0, 0], [1, 4, 2, 2]),
        tf.slice(iou, [0, 0], [1, 4]),
        tf.slice(t, [0, 0], [1, 4]),
        targets.slice(0, 4),
        tf.tensor1d([1]),
        w,
      ).total.dataSync()[0] as number;
      expect(both).toBeCloseTo(first, 5);
      const other = segmenterLoss(
        masks,
        iou,
        t,
        targets,
        tf.tensor1d([1, 1]),
        w,
      ).total.dataSync()[0] as number;
      expect(other).not.toBeCloseTo(first, 3);
    });
  });

  it('clickLoss is BCE of output 0 on the disc pixels only, and 0 for a sample without a disc', () => {
    tf.tidy(() => {
      // B=2, K=2 outputs, 2x2 grid. Sample 0's disc is its pixel 1, where output 0 is wrong.
      const masks = tf.tensor4d(
        [
          [
            [
              [3, -2],
              [3, 3],
            ],
            [
              [9, 9],
              [9, 9],
            ],
          ],
          [
            [
              [0, 0],
              [0, 0],
            ],
            [
              [0, 0],
              [0, 0],
            ],
          ],
        ],
        [2, 2, 2, 2],
      );
      const targets = tf.tensor2d([1, 1, 0, 0, 1, 1, 1, 1], [2, 4]);
      const discs = tf.tensor2d([0, 1, 0, 0, 0, 0, 0, 0], [2, 4]);
      const wrongPixel = Math.log1p(Math.exp(2));
      const loss = clickLoss(masks, targets, discs, tf.tensor1d([1, 0])).dataSync()[0] as number;
      expect(loss).toBeCloseTo(wrongPixel, 5);
      // Sample 1 has no disc: with both weighted, it adds 0 and halves the mean.
      const both = clickLoss(masks, targets, discs, tf.tensor1d([1, 1])).dataSync()[0] as number;
      expect(both).toBeCloseTo(wrongPixel / 2, 5);
    });
  });
});
