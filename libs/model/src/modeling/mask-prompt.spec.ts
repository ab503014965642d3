/**
 * The mask prompt on a checkpoint written before the mask-downscaling stack existed (made here by
 * dropping those weights from the committed starter's checkpoint): it loads, and gives exactly the
 * masks it gave before, whether has_mask_input is 0 or 1.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveSizes } from '../config';
import { loadSegmenterFromCheckpoint } from '../checkpoint/checkpoint';
import { decodeSafetensors, encodeSafetensors } from '../checkpoint/safetensors';
import { createRng } from '../ops/seeded-random';
import { useTrainingBackend } from '../test-setup';
import { predictWithTfjs } from '../tfjs-predict';

const STARTER = path.resolve(__dirname, '../../../../models/starter/checkpoint.safetensors');

describe('mask prompt on a checkpoint without mask weights', () => {
  let dir: string;
  let older: string;
  beforeAll(async () => {
    await useTrainingBackend();
    dir = await mkdtemp(path.join(tmpdir(), 'loupe-mask-prompt-'));
    const { tensors, metadata } = decodeSafetensors(new Uint8Array(await readFile(STARTER)));
    for (const name of [...tensors.keys()])
      if (name.includes('mask_downscaling')) tensors.delete(name);
    older = path.join(dir, 'older.safetensors');
    await writeFile(older, encodeSafetensors(tensors, metadata));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('loads and predicts the same with no mask, has_mask_input 0 and 1', async () => {
    const { model } = await loadSegmenterFromCheckpoint(older);
    try {
      const s = model.config.inputSize;
      const m = deriveSizes(model.config).maskSize;
      const rng = createRng(5);
      const image = Float32Array.from({ length: s * s }, () => rng.normal());
      const coords = Float32Array.of(30, 34, 90, 96, 60, 64);
      const labels = Float32Array.of(2, 3, 1);
      const plain = predictWithTfjs(model, image, 1, coords, labels);
      const previous = Float32Array.from({ length: m * m }, () => rng.normal() * 5);
      for (const has of [0, 1]) {
        const withMask = predictWithTfjs(model, image, 1, coords, labels, {
          maskInput: previous,
          hasMaskInput: Float32Array.of(has),
        });
        expect(Array.from(withMask.masks)).toEqual(Array.from(plain.masks));
        expect(Array.from(withMask.iouPredictions)).toEqual(Array.from(plain.iouPredictions));
      }
      expect(model.weight('prompt_encoder.mask_downscaling.conv3.b').data).toEqual(
        model.weight('prompt_encoder.no_mask_embed').data,
      );
    } finally {
      model.dispose();
    }
  });
});
