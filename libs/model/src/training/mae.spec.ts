import * as tf from '@tensorflow/tfjs';
import { PNG } from 'pngjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { TINY_CONFIG, deriveSizes } from '../config';
import { generateSyntheticFaDataset } from '../data/synthetic-fa';
import { createRng } from '../ops/seeded-random';
import { toLuminance } from '../preprocess';
import { createSegmenter } from '../segmenter-model';
import { useTrainingBackend } from '../test-setup';
import { maeForward, pretrainMae, sampleMaeBatch } from './mae';
import { renderMaeReconstruction } from './mae-reconstruction';

describe('MAE pretraining (tiny config)', () => {
  beforeAll(useTrainingBackend);
  const data = generateSyntheticFaDataset({ count: 4, size: 64, seed: 3 });
  const images = data.map((d) => ({ pixels: d.image, width: d.width, height: d.height }));
  const lum = data.map((d) => ({
    lum: toLuminance(d.image, d.width, d.height),
    width: d.width,
    height: d.height,
  }));

  it('masks 75 % of the units', () => {
    const batch = sampleMaeBatch(TINY_CONFIG, lum, 3, 0.75, createRng(1));
    const units = deriveSizes(TINY_CONFIG).grid2 ** 2;
    for (let b = 0; b < 3; b++)
      expect(batch.unitMask.slice(b * units, (b + 1) * units).reduce((a, v) => a + v, 0)).toBe(
        Math.round(units * 0.75),
      );
  });

  it('the loss only sees masked units, and training lowers it without leaking tensors', async () => {
    const model = createSegmenter(TINY_CONFIG, { seed: 1 });
    const batch = sampleMaeBatch(TINY_CONFIG, lum, 2, 0.75, createRng(2));
    const s = TINY_CONFIG.inputSize;
    const units = deriveSizes(TINY_CONFIG).grid2 ** 2;
    tf.tidy(() => {
      const x = tf.tensor4d(batch.input, [2, 1, s, s]);
      expect(maeForward(model, x, tf.zeros([2, units])).loss.dataSync()[0]).toBe(0);
      // Changing the pixels of a visible unit changes the target of that unit only; the loss must not move
      // beyond what the (shared) encoder output changes; a masked unit's target does move it.
      expect(
        maeForward(model, x, tf.tensor2d(batch.unitMask, [2, units])).loss.dataSync()[0],
      ).toBeGreaterThan(0);
    });
    const before = tf.memory().numTensors;
    const { lossHistory } = await pretrainMae({
      model,
      images,
      steps: 40,
      batchSize: 4,
      seed: 1,
      learningRate: 3e-3,
    });
    expect(tf.memory().numTensors).toBe(before);
    const head = lossHistory.slice(0, 5).reduce((a, b) => a + b) / 5;
    const tail = lossHistory.slice(-5).reduce((a, b) => a + b) / 5;
    expect(tail).toBeLessThan(head);
    const png = PNG.sync.read(renderMaeReconstruction(model, batch));
    expect([png.width, png.height]).toEqual([3 * s, 2 * s]);
    model.dispose();
  });
});
