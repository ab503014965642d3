import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TINY_CONFIG } from '../config';
import { generateSyntheticFaDataset } from '../data/synthetic-fa';
import { createRng } from '../ops/seeded-random';
import { createSegmenter } from '../segmenter-model';
import { useTrainingBackend } from '../test-setup';
import {
  fineTune,
  modelWeights,
  splitStepInput,
  stepGradients,
  type StepInput,
  type StepSettings,
} from './fine-tune';
import { GradientWorkers } from './gradient-workers';
import { DEFAULT_LOSS_WEIGHTS } from './losses';
import { prepareExample } from './training-sample';

const samples = generateSyntheticFaDataset({ count: 4, size: 64, seed: 7, radius: [3, 10] })
  .flatMap((d) =>
    d.lesions.map((mask) => ({ image: d.image, width: d.width, height: d.height, mask })),
  )
  .slice(0, 8);

const settings: StepSettings = {
  lossWeights: DEFAULT_LOSS_WEIGHTS,
  gradientClickRounds: 2,
  maskOnlyRound: true,
  annotatorShare: 0.8,
  clickLossWeight: 0.5,
  clickDiscRadius: 1.5,
};

/** Largest |a - b| over all gradients, relative to the largest |a|. */
function relativeDifference(a: Record<string, Float32Array>, b: Record<string, Float32Array>) {
  let diff = 0;
  let scale = 0;
  for (const [name, values] of Object.entries(a)) {
    const other = b[name] as Float32Array;
    expect(other, name).toBeDefined();
    values.forEach((v, i) => {
      diff = Math.max(diff, Math.abs(v - (other[i] as number)));
      scale = Math.max(scale, Math.abs(v));
    });
  }
  expect(scale).toBeGreaterThan(0);
  return diff / scale;
}

describe('data-parallel gradient workers', () => {
  let workers: GradientWorkers;
  beforeAll(async () => {
    await useTrainingBackend();
    workers = await GradientWorkers.start(TINY_CONFIG, 1);
  }, 120_000);
  afterAll(() => workers?.close());

  it("a batch split between this thread and a worker has the whole batch's loss and gradients", async () => {
    const model = createSegmenter(TINY_CONFIG, { seed: 3 });
    const rng = createRng(11);
    const batch = samples
      .slice(0, 4)
      .map((s, i) => ({ ...prepareExample(s, TINY_CONFIG, rng), weight: 0.5 + i * 0.25 }));
    const input: StepInput = { batch, propagation: [], clickRounds: 3, clickSeeds: [1, 2, 3, 4] };
    const variables = model.trainableVariables(new Set(['mae']));
    const read = (grads: Record<string, tf.Tensor>) =>
      Object.fromEntries(
        Object.entries(grads).map(([n, g]) => [n, g.dataSync() as Float32Array]),
      ) as Record<string, Float32Array>;
    const whole = tf.tidy(() => {
      const r = stepGradients(model, variables, input, settings);
      return { loss: r.value.dataSync()[0] as number, grads: read(r.grads) };
    });
    const [mine, theirs] = splitStepInput(input, 2) as [StepInput, StepInput];
    expect(mine.batch).toHaveLength(2);
    expect(theirs.batch).toHaveLength(2);
    const local = tf.tidy(() => {
      const r = stepGradients(model, variables, mine, settings);
      return { loss: r.value.dataSync()[0] as number, grads: read(r.grads) };
    });
    const [remote] = await workers.gradients([theirs], settings, modelWeights(model), [
      ...variables.keys(),
    ]);
    if (!remote) throw new Error('no reply');
    // A part may leave a weight unused (e.g. the padding point): its gradient is then absent.
    const summed: Record<string, Float32Array> = { ...local.grads };
    for (const [n, g] of Object.entries(remote.grads))
      summed[n] = summed[n] ? (summed[n] as Float32Array).map((v, i) => v + (g[i] as number)) : g;
    expect(Object.keys(summed).sort()).toEqual(Object.keys(whole.grads).sort());
    expect(Math.abs(local.loss + remote.loss - whole.loss)).toBeLessThan(1e-4 * whole.loss);
    expect(relativeDifference(whole.grads, summed)).toBeLessThan(1e-4);
    model.dispose();
  }, 120_000);

  it('fineTune with a worker gives the losses of fineTune on this thread alone', async () => {
    const run = async (gradientWorkers?: GradientWorkers) => {
      const model = createSegmenter(TINY_CONFIG, { seed: 1 });
      const result = await fineTune({
        model,
        samples,
        epochs: 1,
        batchSize: 4,
        seed: 5,
        ...(gradientWorkers ? { gradientWorkers } : {}),
      });
      result.optimizer.dispose();
      model.dispose();
      return result.lossHistory;
    };
    const alone = await run();
    const parallel = await run(workers);
    expect(parallel).toHaveLength(2);
    parallel.forEach((loss, i) =>
      expect(Math.abs(loss - (alone[i] as number))).toBeLessThan(1e-4 * (alone[i] as number)),
    );
  }, 120_000);
});
