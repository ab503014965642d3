import * as tf from '@tensorflow/tfjs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCheckpoint } from '../checkpoint/checkpoint';
import { TINY_CONFIG } from '../config';
import { generateSyntheticFaDataset } from '../data/synthetic-fa';
import { createSegmenter } from '../segmenter-model';
import { useTrainingBackend } from '../test-setup';
import { fineTune } from './fine-tune';
import { NonFiniteLossError } from './non-finite-loss-error';
import type { FineTuneSample } from './training-sample';

function samples(count: number, seed: number): FineTuneSample[] {
  return generateSyntheticFaDataset({ count, size: 64, seed, radius: [3, 10] }).flatMap((d) => d.lesions.map((mask) => ({ image: d.image, width: d.width, height: d.height, mask })));
}

describe('fineTune (tiny config)', () => {
  let dir: string;
  beforeAll(async () => {
    await useTrainingBackend();
    dir = await mkdtemp(path.join(tmpdir(), 'loupe-ft-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('keeps the tensor count flat over steps and reduces the loss when overfitting', async () => {
    const model = createSegmenter(TINY_CONFIG, { seed: 1 });
    const data = samples(2, 5).slice(0, 4);
    const counts: number[] = [];
    const result = await fineTune({
      model,
      samples: data,
      epochs: 30,
      batchSize: 4,
      seed: 2,
      learningRate: 3e-3,
      clickProbability: 0.5,
      onProgress: () => counts.push(tf.memory().numTensors),
    });
    // The optimizer creates its moments on the first step; from then on nothing may accumulate.
    expect(new Set(counts.slice(1)).size).toBe(1);
    result.optimizer.dispose();
    expect(tf.memory().numTensors).toBe((counts[0] as number) - 2 * model.trainableVariables(new Set(['mae'])).size);
    const head = result.lossHistory.slice(0, 5).reduce((a, b) => a + b) / 5;
    const tail = result.lossHistory.slice(-5).reduce((a, b) => a + b) / 5;
    expect(tail).toBeLessThan(head * 0.8);
    model.dispose();
  });

  it('freezing the image encoder leaves its weights unchanged and trains the decoder', async () => {
    const model = createSegmenter(TINY_CONFIG, { seed: 1 });
    const encoderWeight = 'image_encoder.trunk.patch_embed.w';
    const decoderWeight = 'mask_decoder.iou_head.0.w';
    const before = model.weight(encoderWeight).data.slice();
    const decoderBefore = model.weight(decoderWeight).data.slice();
    const result = await fineTune({ model, samples: samples(1, 6), epochs: 1, batchSize: 2, freeze: { imageEncoder: true, promptEncoder: true } });
    result.optimizer.dispose();
    expect(Array.from(model.weight(encoderWeight).data)).toEqual(Array.from(before));
    expect(Array.from(model.weight(decoderWeight).data)).not.toEqual(Array.from(decoderBefore));
    model.dispose();
  });

  it('a NaN loss throws NonFiniteLossError and keeps the last good checkpoint', async () => {
    const model = createSegmenter(TINY_CONFIG, { seed: 1 });
    const good = samples(2, 10).slice(0, 4);
    const bad: FineTuneSample = { ...(good[0] as FineTuneSample), image: new Float32Array((good[0] as FineTuneSample).width * (good[0] as FineTuneSample).height).fill(Number.NaN) };
    const file = path.join(dir, 'nan.safetensors');
    let calls = 0;
    const error = await fineTune({
      model,
      // Epoch 1 is clean (4 samples, batch 4); epoch 2 contains the poisoned sample in every batch.
      samples: good,
      epochs: 1,
      batchSize: 4,
      checkpointEvery: 1,
      checkpointPath: file,
      onProgress: () => calls++,
    })
      .then((r) => {
        r.optimizer.dispose();
        return fineTune({ model, samples: [bad], epochs: 1, batchSize: 1, checkpointEvery: 1, checkpointPath: path.join(dir, 'never.safetensors') });
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NonFiniteLossError);
    expect(String(error)).toMatch(/loss became NaN at step 0/);
    expect(calls).toBe(1);
    const kept = await loadCheckpoint(file);
    expect(kept.metadata).toEqual({ fineTuneStep: 1 });
    await expect(loadCheckpoint(path.join(dir, 'never.safetensors'))).rejects.toThrow();
    model.dispose();
  });
});
