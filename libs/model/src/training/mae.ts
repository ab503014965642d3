/**
 * MAE pretraining of the image encoder, SimMIM/ConvMAE-style because the encoder is windowed and
 * hierarchical: instead of dropping masked patches (MAE proper), masked patch tokens are replaced
 * by a learned mask token and the full hierarchy runs. Masking is done on units of one stage-2
 * token (2x2 stage-1 patches = 2P x 2P pixels, as ConvMAE masks at the coarsest scale) so no
 * visible unit can peek at a masked one through the patch merging. A light MLP head predicts each
 * unit's pixels; the loss is MSE on per-unit normalised pixels of masked units only.
 * Inputs are random box-shaped crops through THE pre-processing, with random flips.
 */
import * as tf from '@tensorflow/tfjs';
import { deriveSizes, type ModelConfig } from '../config';
import { assertTrainable } from '../data/evaluation-only';
import { MAE_HEAD, maeHead, maeUnitSize } from '../modeling/mae-decoder';
import { createRng, type Rng } from '../ops/seeded-random';
import { preprocessCrop, toLuminance } from '../preprocess';
import type { SegmenterModel } from '../segmenter-model';
import { AdamW } from './adam';
import { learningRateAt } from './fine-tune';
import { NonFiniteLossError } from './non-finite-loss-error';

export interface MaeImage {
  /** 8-bit gray pixels or luminance 0..1. */
  pixels: Uint8Array | Float32Array;
  width: number;
  height: number;
}

export interface MaeProgress {
  step: number;
  totalSteps: number;
  loss: number;
  msPerImage: number;
}

export interface MaeOptions {
  model: SegmenterModel;
  images: MaeImage[];
  steps: number;
  batchSize?: number;
  maskRatio?: number;
  learningRate?: number;
  seed?: number;
  /** Crop side range as a fraction of the image's shorter side (default [0.15, 1]). */
  cropScale?: [number, number];
  onProgress?: (p: MaeProgress) => void;
  shouldStop?: () => boolean;
}

export interface MaeBatch {
  /** [B, S*S] preprocessed crops */
  input: Float32Array;
  /** [B, G2*G2] 1 = masked unit */
  unitMask: Float32Array;
  batch: number;
}

/** Random crops (as if boxed) of random images, and their unit masks. */
export function sampleMaeBatch(
  config: ModelConfig,
  images: { lum: Float32Array; width: number; height: number }[],
  batch: number,
  maskRatio: number,
  rng: Rng,
  cropScale: [number, number] = [0.15, 1],
): MaeBatch {
  const s = config.inputSize;
  const { grid2 } = deriveSizes(config);
  const units = grid2 * grid2;
  const input = new Float32Array(batch * s * s);
  const unitMask = new Float32Array(batch * units);
  const numMasked = Math.round(units * maskRatio);
  for (let b = 0; b < batch; b++) {
    const img = images[rng.int(images.length)] as (typeof images)[number];
    const short = Math.min(img.width, img.height);
    // The crop is what a box of this side would give: side * (1 + 2 * margin) around it.
    const side = Math.max(
      2,
      (short * Math.exp(rng.range(Math.log(cropScale[0]), Math.log(cropScale[1])))) /
        (1 + 2 * config.contextMargin),
    );
    const x0 = rng.range(0, Math.max(0, img.width - side));
    const y0 = rng.range(0, Math.max(0, img.height - side));
    const box = { x0, y0, x1: Math.min(img.width, x0 + side), y1: Math.min(img.height, y0 + side) };
    let { input: crop } = preprocessCrop(img.lum, img.width, img.height, box, {
      inputSize: s,
      contextMargin: config.contextMargin,
      minCropSize: config.minCropSize,
    });
    if (rng.next() < 0.5) {
      const f = new Float32Array(crop.length);
      for (let y = 0; y < s; y++)
        for (let x = 0; x < s; x++) f[y * s + x] = crop[y * s + (s - 1 - x)] as number;
      crop = f;
    }
    input.set(crop, b * s * s);
    const order = Array.from({ length: units }, (_, i) => i);
    for (let i = units - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [order[i], order[j]] = [order[j] as number, order[i] as number];
    }
    for (let i = 0; i < numMasked; i++) unitMask[b * units + (order[i] as number)] = 1;
  }
  return { input, unitMask, batch };
}

/** Pixels of each unit [B, G2*G2, unit^2] from images [B, 1, S, S]. */
function patchifyUnits(x: tf.Tensor, config: ModelConfig): tf.Tensor {
  const { grid2 } = deriveSizes(config);
  const u = maeUnitSize(config);
  const b = x.shape[0] as number;
  return x
    .reshape([b, grid2, u, grid2, u])
    .transpose([0, 1, 3, 2, 4])
    .reshape([b, grid2 * grid2, u * u]);
}

/** Unit mask [B, G2*G2] -> stage-1 patch mask [B, G1*G1, 1]. */
function unitToPatchMask(unitMask: tf.Tensor, config: ModelConfig): tf.Tensor {
  const { grid1, grid2 } = deriveSizes(config);
  const b = unitMask.shape[0] as number;
  const m = unitMask.reshape([b, grid2, 1, grid2, 1]).tile([1, 1, 2, 1, 2]);
  return m.reshape([b, grid1 * grid1, 1]);
}

/** Forward: returns predictions [B, U, u^2] and per-unit normalised targets. */
export function maeForward(
  model: SegmenterModel,
  x: tf.Tensor,
  unitMask: tf.Tensor,
): { prediction: tf.Tensor; target: tf.Tensor; loss: tf.Scalar } {
  const { stage2 } = model.network.imageEncoder.trunk.forward(
    model.ops,
    x,
    unitToPatchMask(unitMask, model.config),
  );
  const prediction = maeHead(model.ops, model.config, stage2);
  const pixels = patchifyUnits(x, model.config);
  const { mean, variance } = tf.moments(pixels, -1, true);
  const target = tf.div(tf.sub(pixels, mean), tf.sqrt(tf.add(variance, 1e-6)));
  const perUnit = tf.mean(tf.square(tf.sub(prediction, target)), -1); // [B, U]
  const loss = tf.div(
    tf.sum(tf.mul(perUnit, unitMask)),
    tf.maximum(tf.sum(unitMask), 1),
  ) as tf.Scalar;
  return { prediction, target, loss };
}

export async function pretrainMae(
  options: MaeOptions,
): Promise<{ lossHistory: number[]; steps: number }> {
  const { model } = options;
  assertTrainable(
    options.images.map((im) => im.pixels),
    'pretrainMae',
  );
  const rng = createRng(options.seed ?? 1);
  const batchSize = options.batchSize ?? 8;
  const maskRatio = options.maskRatio ?? 0.75;
  const s = model.config.inputSize;
  const { grid2 } = deriveSizes(model.config);
  const images = options.images.map((im) => ({
    lum: toLuminance(im.pixels, im.width, im.height, 1),
    width: im.width,
    height: im.height,
  }));
  if (images.length === 0) throw new Error('pretrainMae: no images');
  const variables = new Map(
    [...model.trainableVariables(new Set(['promptEncoder', 'maskDecoder']))].filter(
      ([name]) => name.startsWith('image_encoder.trunk') || name.startsWith(MAE_HEAD),
    ),
  );
  const varList = [...variables.values()];
  const nameOf = new Map([...variables].map(([name, v]) => [v.name, name]));
  const optimizer = new AdamW({ learningRate: options.learningRate ?? 1.5e-3, weightDecay: 0.05 });
  const warmup = Math.max(1, Math.round(options.steps * 0.05));
  const lossHistory: number[] = [];
  let step = 0;
  for (; step < options.steps; step++) {
    if (options.shouldStop?.()) break;
    const t0 = performance.now();
    const batch = sampleMaeBatch(
      model.config,
      images,
      batchSize,
      maskRatio,
      rng,
      options.cropScale,
    );
    const loss = tf.tidy(() => {
      const x = tf.tensor4d(batch.input, [batchSize, 1, s, s]);
      const m = tf.tensor2d(batch.unitMask, [batchSize, grid2 * grid2]);
      const { value, grads } = tf.variableGrads(() => maeForward(model, x, m).loss, varList);
      const v = value.dataSync()[0] as number;
      if (Number.isFinite(v)) {
        const named: Record<string, tf.Tensor> = {};
        for (const [k, g] of Object.entries(grads)) named[nameOf.get(k) ?? k] = g;
        optimizer.apply(
          variables,
          named,
          learningRateAt(step, options.steps, optimizer.options.learningRate, warmup),
        );
      }
      return v;
    });
    if (!Number.isFinite(loss)) {
      optimizer.dispose();
      throw new NonFiniteLossError(step, loss, null);
    }
    lossHistory.push(loss);
    options.onProgress?.({
      step: step + 1,
      totalSteps: options.steps,
      loss,
      msPerImage: (performance.now() - t0) / batchSize,
    });
    await new Promise((r) => setImmediate(r));
  }
  optimizer.dispose();
  return { lossHistory, steps: step };
}
