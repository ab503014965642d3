import * as tf from '@tensorflow/tfjs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCheckpoint } from '../checkpoint/checkpoint';
import { TINY_CONFIG } from '../config';
import { EvaluationOnlyDataError, markEvaluationOnly } from '../data/evaluation-only';
import { generateSyntheticFaDataset } from '../data/synthetic-fa';
import { createSegmenter } from '../segmenter-model';
import { useTrainingBackend } from '../test-setup';
import { addCorrectionClicks, clickDiscs, fineTune } from './fine-tune';
import { createRng } from '../ops/seeded-random';
import { NonFiniteLossError } from './non-finite-loss-error';
import { type FineTuneSample, type PreparedExample } from './training-sample';
import { boxFromMask, maskFromBox } from '@loupe/prompts';

function samples(count: number, seed: number): FineTuneSample[] {
  return generateSyntheticFaDataset({ count, size: 64, seed, radius: [3, 10] }).flatMap((d) =>
    d.lesions.map((mask) => ({ image: d.image, width: d.width, height: d.height, mask })),
  );
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
    const before = tf.memory().numTensors;
    const result = await fineTune({
      model,
      samples: data,
      epochs: 40,
      batchSize: 4,
      seed: 2,
      learningRate: 3e-3,
      clickProbability: 0,
      boxJitter: 0,
      onProgress: () => counts.push(tf.memory().numTensors),
    });
    // The optimizer creates its moments on the first step; from then on nothing may accumulate.
    expect(new Set(counts.slice(1)).size).toBe(1);
    result.optimizer.dispose();
    expect(tf.memory().numTensors).toBe(before);
    const head = result.lossHistory.slice(0, 5).reduce((a, b) => a + b) / 5;
    const tail = result.lossHistory.slice(-5).reduce((a, b) => a + b) / 5;
    expect(tail).toBeLessThan(head * 0.8);
    model.dispose();
  });

  it('corrective-click rounds keep the tensor count flat', async () => {
    const model = createSegmenter(TINY_CONFIG, { seed: 1 });
    const counts: number[] = [];
    const before = tf.memory().numTensors;
    const result = await fineTune({
      model,
      samples: samples(2, 11).slice(0, 2),
      epochs: 5,
      batchSize: 2,
      clickProbability: 1,
      maxClickRounds: 3,
      onProgress: () => counts.push(tf.memory().numTensors),
    });
    expect(new Set(counts.slice(1)).size).toBe(1);
    result.optimizer.dispose();
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('iterative rounds train the mask-downscaling stack; box-only steps leave it alone', async () => {
    const conv3 = 'prompt_encoder.mask_downscaling.conv3.w';
    const boxOnly = createSegmenter(TINY_CONFIG, { seed: 1 });
    const data = samples(2, 12).slice(0, 2);
    (
      await fineTune({
        model: boxOnly,
        samples: data,
        epochs: 2,
        batchSize: 2,
        clickProbability: 0,
      })
    ).optimizer.dispose();
    expect(boxOnly.weight(conv3).data.every((v) => v === 0)).toBe(true);
    boxOnly.dispose();
    const iterative = createSegmenter(TINY_CONFIG, { seed: 1 });
    const result = await fineTune({
      model: iterative,
      samples: data,
      epochs: 2,
      batchSize: 2,
      maxClickRounds: 8,
      gradientClickRounds: 1,
    });
    result.optimizer.dispose();
    expect(iterative.weight(conv3).data.some((v) => v !== 0)).toBe(true);
    iterative.dispose();
  });

  it('adds a positive click inside a missed region and keeps earlier prompts', () => {
    const m = 8;
    const target = new Float32Array(m * m);
    for (let y = 2; y < 6; y++) for (let x = 2; x < 6; x++) target[y * m + x] = 1;
    const logits = new Float32Array(4 * m * m).fill(-5); // predicts nothing
    const example = {
      target,
      coords: Float32Array.of(1, 1, 30, 30),
      labels: Float32Array.of(2, 3),
    } as unknown as PreparedExample;
    const out = addCorrectionClicks(
      logits,
      [example],
      { coords: example.coords, labels: example.labels, n: 2 },
      4,
      m,
      32,
      createRng(1),
    );
    expect(out.n).toBe(3);
    expect(Array.from(out.labels)).toEqual([2, 3, 1]);
    const [x, y] = [(out.coords[4] as number) / 4, (out.coords[5] as number) / 4];
    expect(x).toBeGreaterThan(2);
    expect(x).toBeLessThan(6);
    expect(y).toBeGreaterThan(2);
    expect(y).toBeLessThan(6);
  });

  it('box-supervised samples get no corrective clicks, train beside masks and keep the tensor count flat', async () => {
    // The box-supervised example's missed region would draw a click; it gets padding instead.
    const m = 8;
    const target = new Float32Array(m * m);
    for (let y = 2; y < 6; y++) for (let x = 2; x < 6; x++) target[y * m + x] = 1;
    const boxExample = {
      target,
      coords: Float32Array.of(1, 1, 30, 30),
      labels: Float32Array.of(2, 3),
      boxSupervised: true,
    } as unknown as PreparedExample;
    const clicks = addCorrectionClicks(
      new Float32Array(4 * m * m).fill(-5),
      [boxExample],
      { coords: boxExample.coords, labels: boxExample.labels, n: 2 },
      4,
      m,
      32,
      createRng(1),
    );
    expect(Array.from(clicks.labels)).toEqual([2, 3, -1]);

    const model = createSegmenter(TINY_CONFIG, { seed: 1 });
    const masks = samples(2, 17).slice(0, 2);
    const boxes: FineTuneSample[] = masks.map((s) => ({
      ...s,
      mask: maskFromBox(boxFromMask(s.mask), s.width, s.height),
      supervision: 'box',
    }));
    const counts: number[] = [];
    const before = tf.memory().numTensors;
    const result = await fineTune({
      model,
      samples: [...masks, ...boxes],
      epochs: 12,
      batchSize: 4,
      seed: 3,
      learningRate: 3e-3,
      maxClickRounds: 2,
      onProgress: () => counts.push(tf.memory().numTensors),
    });
    expect(new Set(counts.slice(1)).size).toBe(1);
    expect(result.lossHistory.every((l) => Number.isFinite(l))).toBe(true);
    result.optimizer.dispose();
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('box-supervised samples alone: the box-supervised loss falls when overfitting', async () => {
    const model = createSegmenter(TINY_CONFIG, { seed: 1 });
    const boxes: FineTuneSample[] = samples(2, 19)
      .slice(0, 4)
      .map((s) => ({
        ...s,
        mask: maskFromBox(boxFromMask(s.mask), s.width, s.height),
        supervision: 'box',
      }));
    const result = await fineTune({
      model,
      samples: boxes,
      epochs: 30,
      batchSize: 4,
      seed: 4,
      learningRate: 3e-3,
      clickProbability: 0,
      boxJitter: 0,
    });
    const head = result.lossHistory.slice(0, 5).reduce((a, b) => a + b) / 5;
    const tail = result.lossHistory.slice(-5).reduce((a, b) => a + b) / 5;
    // The tiny network learns the box slowly: 5.1 -> 4.2 over 30 steps here.
    expect(tail).toBeLessThan(head * 0.9);
    result.optimizer.dispose();
    model.dispose();
  });

  it('clickDiscs marks a disc around each click on the mask grid and skips box corners and padding', () => {
    // 32 px model input, 8-cell grid: 4 px per cell. One positive click at the centre of cell
    // (5, 2), one padding point.
    const prompts = {
      coords: Float32Array.of(0, 0, 31, 31, 22, 10, 4, 4),
      labels: Float32Array.of(2, 3, 1, -1),
      n: 4,
    };
    const discs = clickDiscs(prompts, 1, 8, 32, 1);
    const marked = [...discs.keys()].filter((i) => discs[i] === 1).map((i) => [i % 8, i >> 3]);
    expect(marked).toEqual([
      [5, 1],
      [4, 2],
      [5, 2],
      [6, 2],
      [5, 3],
    ]);
  });

  it('the click loss and soft targets train the prompt path without non-finite losses', async () => {
    const model = createSegmenter(TINY_CONFIG, { seed: 1 });
    const decoderWeight = 'mask_decoder.iou_head.0.w';
    const before = model.weight(decoderWeight).data.slice();
    const result = await fineTune({
      model,
      samples: samples(1, 6),
      epochs: 1,
      batchSize: 2,
      maxClickRounds: 3,
      gradientClickRounds: Infinity,
      clickLossWeight: 1,
      softTargets: true,
      freeze: { imageEncoder: true },
    });
    result.optimizer.dispose();
    expect(result.lossHistory.every(Number.isFinite)).toBe(true);
    expect(Array.from(model.weight(decoderWeight).data)).not.toEqual(Array.from(before));
    model.dispose();
  });

  it('freezing the image encoder leaves its weights unchanged and trains the decoder', async () => {
    const model = createSegmenter(TINY_CONFIG, { seed: 1 });
    const encoderWeight = 'image_encoder.trunk.patch_embed.w';
    const decoderWeight = 'mask_decoder.iou_head.0.w';
    const before = model.weight(encoderWeight).data.slice();
    const decoderBefore = model.weight(decoderWeight).data.slice();
    const result = await fineTune({
      model,
      samples: samples(1, 6),
      epochs: 1,
      batchSize: 2,
      freeze: { imageEncoder: true, promptEncoder: true },
    });
    result.optimizer.dispose();
    expect(Array.from(model.weight(encoderWeight).data)).toEqual(Array.from(before));
    expect(Array.from(model.weight(decoderWeight).data)).not.toEqual(Array.from(decoderBefore));
    model.dispose();
  });

  /** One box-only step from the same weights and seed; returns how far two weights moved. */
  async function oneStep(extra: Partial<Parameters<typeof fineTune>[0]>) {
    const model = createSegmenter(TINY_CONFIG, { seed: 1 });
    const names = ['image_encoder.trunk.patch_embed.w', 'mask_decoder.iou_head.0.w'];
    const before = names.map((n) => model.weight(n).data.slice());
    const result = await fineTune({
      model,
      samples: samples(1, 6).slice(0, 2),
      epochs: 1,
      batchSize: 2,
      seed: 3,
      learningRate: 1e-3,
      clickProbability: 0,
      ...extra,
    });
    result.optimizer.dispose();
    const after = names.map((n) => model.weight(n).data.slice());
    model.dispose();
    return { before, after };
  }

  it('encoderLearningRateScale moves the image encoder by that fraction, the decoder fully', async () => {
    const full = await oneStep({});
    const slow = await oneStep({ encoderLearningRateScale: 0.1 });
    const delta = (run: typeof full, w: number) =>
      Array.from(run.after[w] as Float32Array, (v, i) => v - (run.before[w] as Float32Array)[i]!);
    const encFull = delta(full, 0);
    const encSlow = delta(slow, 0);
    expect(encFull.some((d) => Math.abs(d) > 1e-6)).toBe(true);
    encSlow.forEach((d, i) => expect(d).toBeCloseTo(0.1 * encFull[i]!, 6));
    expect(delta(slow, 1)).toEqual(delta(full, 1));
  });

  it('emaDecay ends at decay * start + (1 - decay) * trained after one step, and frees its copies', async () => {
    // Whatever a plain run leaves behind, the averaged run leaves no more (its copies are freed).
    const beforePlain = tf.memory().numTensors;
    const plain = await oneStep({});
    const leftByPlain = tf.memory().numTensors - beforePlain;
    const before = tf.memory().numTensors;
    const averaged = await oneStep({ emaDecay: 0.75 });
    expect(tf.memory().numTensors - before).toBe(leftByPlain);
    for (const w of [0, 1]) {
      const start = plain.before[w] as Float32Array;
      const trained = plain.after[w] as Float32Array;
      const got = averaged.after[w] as Float32Array;
      expect(Array.from(averaged.before[w] as Float32Array)).toEqual(Array.from(start));
      got.forEach((v, i) => expect(v).toBeCloseTo(0.75 * start[i]! + 0.25 * trained[i]!, 6));
    }
    await expect(oneStep({ emaDecay: 1 })).rejects.toThrow(/emaDecay must be in \[0, 1\)/);
  });

  it('replay mixes earlier samples into every batch and refuses evaluation-only images', async () => {
    const plain = await oneStep({});
    const earlier = samples(2, 21);
    const replayed = await oneStep({ replay: { samples: earlier, perBatch: 2 } });
    expect(Array.from(replayed.after[1] as Float32Array)).not.toEqual(
      Array.from(plain.after[1] as Float32Array),
    );
    const held = samples(1, 22);
    markEvaluationOnly(held[0]!.image, 'a test evaluation set');
    await expect(oneStep({ replay: { samples: held, perBatch: 1 } })).rejects.toThrow(
      EvaluationOnlyDataError,
    );
  });

  it('a NaN loss throws NonFiniteLossError and keeps the last good checkpoint', async () => {
    const model = createSegmenter(TINY_CONFIG, { seed: 1 });
    const good = samples(2, 10).slice(0, 4);
    const bad: FineTuneSample = {
      ...(good[0] as FineTuneSample),
      image: new Float32Array(
        (good[0] as FineTuneSample).width * (good[0] as FineTuneSample).height,
      ).fill(Number.NaN),
    };
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
        return fineTune({
          model,
          samples: [bad],
          epochs: 1,
          batchSize: 1,
          checkpointEvery: 1,
          checkpointPath: path.join(dir, 'never.safetensors'),
        });
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
  it('trains the propagation round from an adjacent slice mask; without one, nothing changes', async () => {
    const conv3 = 'prompt_encoder.mask_downscaling.conv3.w';
    const plain = samples(2, 12).slice(0, 2);
    // The adjacent slice: the same lesion moved by one pixel.
    const withNeighbour = plain.map((s) => {
      const data = new Uint8Array(s.mask.data.length);
      for (let y = 0; y < s.height; y++)
        for (let x = 1; x < s.width; x++)
          data[y * s.width + x] = s.mask.data[y * s.width + x - 1] as number;
      return { ...s, neighbourMask: { width: s.width, height: s.height, data } };
    });
    const run = async (data: FineTuneSample[], extra: { propagationRound?: boolean } = {}) => {
      const model = createSegmenter(TINY_CONFIG, { seed: 1 });
      const maskInputs: number[] = [];
      type Decode = (...args: unknown[]) => unknown;
      const network = model.network as unknown as { decode: Decode };
      const decode = network.decode.bind(network);
      network.decode = (...args) => {
        const mask = args[5] as { maskInput: tf.Tensor } | undefined;
        if (mask) maskInputs.push(tf.max(tf.abs(mask.maskInput)).dataSync()[0] as number);
        return decode(...args);
      };
      const result = await fineTune({
        model,
        samples: data,
        epochs: 2,
        batchSize: 2,
        seed: 3,
        clickProbability: 0,
        ...extra,
      });
      result.optimizer.dispose();
      const conv3Moved = model.weight(conv3).data.some((v) => v !== 0);
      model.dispose();
      return { losses: result.lossHistory, maskInputs, conv3Moved };
    };
    const propagated = await run(withNeighbour);
    // Box-only steps: the only mask prompt is the neighbour's, so it reaches and trains the mask path.
    expect(propagated.maskInputs.length).toBe(propagated.losses.length);
    expect(Math.min(...propagated.maskInputs)).toBeGreaterThan(1);
    expect(propagated.conv3Moved).toBe(true);
    expect(propagated.losses.every(Number.isFinite)).toBe(true);
    const without = await run(plain);
    expect(without.maskInputs).toEqual([]);
    expect(without.conv3Moved).toBe(false);
    expect(propagated.losses).not.toEqual(without.losses);
    // The round draws no random numbers: switched off, a neighbour changes nothing.
    expect((await run(withNeighbour, { propagationRound: false })).losses).toEqual(without.losses);
  });
});
