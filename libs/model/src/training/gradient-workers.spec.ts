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

  it('fineTune with a worker gives the losses and the weights of fineTune on this thread alone', async () => {
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
      const weights = modelWeights(model);
      result.optimizer.dispose();
      model.dispose();
      return { losses: result.lossHistory, weights };
    };
    const start = (() => {
      const model = createSegmenter(TINY_CONFIG, { seed: 1 });
      const weights = modelWeights(model);
      model.dispose();
      return weights;
    })();
    const alone = await run();
    const parallel = await run(workers);
    expect(parallel.losses).toHaveLength(2);
    parallel.losses.forEach((loss, i) =>
      expect(Math.abs(loss - (alone.losses[i] as number))).toBeLessThan(
        1e-4 * (alone.losses[i] as number),
      ),
    );
    // Two AdamW steps moved the weights (up to about the learning rate, 1e-3, a step) ...
    let moved = 0;
    for (const [name, values] of Object.entries(alone.weights)) {
      const before = start[name] as Float32Array;
      values.forEach((v, i) => (moved = Math.max(moved, Math.abs(v - (before[i] as number)))));
    }
    expect(moved).toBeGreaterThan(1e-3);
    // ... and the split steps moved them to the same place, to float rounding. AdamW divides by
    // sqrt(v), so a weight whose gradient is ~0 turns rounding into a visible step (66 of 29k
    // weights beyond 1e-5 here): compare the whole update's norm, and count the outliers.
    expect(Object.keys(parallel.weights).sort()).toEqual(Object.keys(alone.weights).sort());
    let squaredDifference = 0;
    let squaredUpdate = 0;
    let beyond = 0;
    let count = 0;
    for (const [name, values] of Object.entries(alone.weights)) {
      const other = parallel.weights[name] as Float32Array;
      const before = start[name] as Float32Array;
      values.forEach((v, i) => {
        const d = v - (other[i] as number);
        squaredDifference += d * d;
        squaredUpdate += (v - (before[i] as number)) ** 2;
        if (Math.abs(d) > 1e-5) beyond++;
        count++;
      });
    }
    expect(Math.sqrt(squaredDifference / squaredUpdate)).toBeLessThan(0.01);
    expect(beyond / count).toBeLessThan(0.01);
  }, 120_000);
});
