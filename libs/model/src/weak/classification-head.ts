/**
 * Classification head on the image encoder (WeakMedSAM's classifier; here the encoder is frozen
 * and the head alone learns from tags). Per grid cell: standardised feature (C) -> 1x1 layer
 * (C -> H, ReLU) -> scores for the parent class 'present' and K sub-classes (1 + K). Image-level
 * logits pool the score maps with log-sum-exp (sharpness r: between mean and max pooling, so a
 * small lesion in a big image still decides the tag). Loss: binary cross-entropy of the parent
 * tag plus that of the sub-class labels (one-hot for a 'present' image, all zero for 'absent').
 *
 * Training runs on TensorFlow.js (the training backend); inference is plain arithmetic on the
 * exported weights, so class activation maps need no tfjs.
 */
import * as tf from '@tensorflow/tfjs';
import { createRng } from '../ops/seeded-random';
import { AdamW } from '../training/adam';
import { featureChannelStatistics, type FeatureGrid } from './feature-grid';

export interface ClassificationHeadWeights {
  channels: number;
  hidden: number;
  subClasses: number;
  /** Per-channel standardisation learned from the training grids. */
  featureMean: Float32Array;
  featureStd: Float32Array;
  /** Units of the hidden 1x1 layer; 0 for a linear head (no hidden layer). */
  /** C x H, row-major (identity for a linear head). */
  hiddenWeight: Float32Array;
  hiddenBias: Float32Array;
  /** H x (1 + K): column 0 the parent class, 1..K the sub-classes. */
  outputWeight: Float32Array;
  outputBias: Float32Array;
  poolingSharpness: number;
}

export interface TaggedFeatureGrid {
  grid: FeatureGrid;
  present: boolean;
  /** Sub-class of a 'present' image (sub-class exploration), null for 'absent'. */
  subClass: number | null;
}

export interface ClassificationHeadOptions {
  subClasses: number;
  hidden?: number;
  epochs?: number;
  learningRate?: number;
  batchSize?: number;
  poolingSharpness?: number;
  seed: number;
}

let headsTrained = 0;

export class ClassificationHeadError extends Error {
  override name = 'ClassificationHeadError';
}

function standardised(grid: FeatureGrid, mean: Float32Array, std: Float32Array): Float32Array {
  const out = new Float32Array(grid.data.length);
  for (let i = 0; i < out.length; i++) {
    const c = i % grid.channels;
    out[i] = ((grid.data[i] as number) - (mean[c] as number)) / (std[c] as number);
  }
  return out;
}

/** Trains the head on tagged feature grids; returns its weights and the last epoch's mean loss. */
export async function trainClassificationHead(
  images: readonly TaggedFeatureGrid[],
  options: ClassificationHeadOptions,
): Promise<{ weights: ClassificationHeadWeights; finalLoss: number }> {
  if (!images.some((i) => i.present) || !images.some((i) => !i.present))
    throw new ClassificationHeadError(
      "need images tagged 'present' and images tagged 'absent' to learn the difference",
    );
  const channels = (images[0] as TaggedFeatureGrid).grid.channels;
  if (images.some((i) => i.grid.channels !== channels))
    throw new ClassificationHeadError('feature grids differ in channels');
  const k = options.subClasses;
  for (const i of images)
    if (i.present && (i.subClass === null || i.subClass < 0 || i.subClass >= k))
      throw new ClassificationHeadError(`sub-class ${i.subClass} is not in 0..${k - 1}`);
  const hidden = options.hidden ?? 32;
  if (!Number.isInteger(hidden) || hidden < 0)
    throw new ClassificationHeadError(`hidden must be an integer >= 0, got ${hidden}`);
  // hidden 0: a linear head (the classic CAM: one weight vector per class).
  const width = hidden || channels;
  const epochs = options.epochs ?? 60;
  const batchSize = options.batchSize ?? 8;
  const r = options.poolingSharpness ?? 4;
  const rng = createRng(options.seed);
  const { featureMean, featureStd } = featureChannelStatistics(
    images.map((i) => i.grid),
    channels,
  );
  const init = (n: number, fanIn: number) =>
    Float32Array.from({ length: n }, () => rng.normal() * Math.sqrt(2 / fanIn));
  // tfjs variable names are global: one unique prefix per training.
  const prefix = `classification_head_${headsTrained++}`;
  const variable = (name: string, value: () => tf.Tensor) =>
    tf.tidy(() => tf.variable(value(), true, `${prefix}.${name}`));
  const w1 = variable('hidden.weight', () =>
    hidden ? tf.tensor2d(init(channels * hidden, channels), [channels, hidden]) : tf.eye(channels),
  );
  const b1 = variable('hidden.bias', () => tf.zeros([width]));
  const w2 = variable('output.weight', () =>
    tf.tensor2d(init(width * (1 + k), width), [width, 1 + k]),
  );
  const b2 = variable('output.bias', () => tf.zeros([1 + k]));
  const variables = new Map([w1, b1, w2, b2].map((v) => [v.name, v]));
  const inputs = images.map((i) =>
    tf.tensor2d(standardised(i.grid, featureMean, featureStd), [
      i.grid.width * i.grid.height,
      channels,
    ]),
  );
  const targets = images.map((i) => {
    const t = new Float32Array(1 + k);
    if (i.present) {
      t[0] = 1;
      t[1 + (i.subClass as number)] = 1;
    }
    return tf.tensor1d(t);
  });
  const optimizer = new AdamW({ learningRate: options.learningRate ?? 0.005, weightDecay: 1e-4 });
  let finalLoss = Number.NaN;
  try {
    const order = images.map((_, i) => i);
    for (let epoch = 0; epoch < epochs; epoch++) {
      for (let i = order.length - 1; i > 0; i--) {
        const j = rng.int(i + 1);
        [order[i], order[j]] = [order[j] as number, order[i] as number];
      }
      let sum = 0;
      for (let start = 0; start < order.length; start += batchSize) {
        const batch = order.slice(start, start + batchSize);
        const { value, grads } = tf.variableGrads(
          () =>
            tf.tidy(() => {
              const losses = batch.map((index) => {
                const x = inputs[index] as tf.Tensor2D;
                const h = hidden ? tf.relu(tf.add(tf.matMul(x, w1), b1)) : x;
                const scores = tf.add(tf.matMul(h, w2), b2);
                const cells = scores.shape[0] as number;
                const pooled = tf.sub(
                  tf.div(tf.logSumExp(tf.mul(scores, r), 0), r),
                  Math.log(cells) / r,
                );
                return tf.losses.sigmoidCrossEntropy(targets[index] as tf.Tensor1D, pooled);
              });
              return tf.div(tf.addN(losses), batch.length) as tf.Scalar;
            }),
          hidden ? [w1, b1, w2, b2] : [w2, b2],
        );
        optimizer.apply(variables, grads);
        sum += (await value.data())[0] as number;
        value.dispose();
        for (const g of Object.values(grads)) g.dispose();
      }
      finalLoss = sum / Math.ceil(order.length / batchSize);
      if (!Number.isFinite(finalLoss))
        throw new ClassificationHeadError(`loss became ${finalLoss} at epoch ${epoch}`);
    }
    return {
      weights: {
        channels,
        hidden,
        subClasses: k,
        featureMean,
        featureStd,
        hiddenWeight: (await w1.data()) as Float32Array,
        hiddenBias: (await b1.data()) as Float32Array,
        outputWeight: (await w2.data()) as Float32Array,
        outputBias: (await b2.data()) as Float32Array,
        poolingSharpness: r,
      },
      finalLoss,
    };
  } finally {
    optimizer.dispose();
    for (const t of [...inputs, ...targets, w1, b1, w2, b2]) t.dispose();
  }
}

/** Score maps (1 + K, each H x W of the grid): index 0 the parent class, 1..K the sub-classes. */
export function scoreMaps(weights: ClassificationHeadWeights, grid: FeatureGrid): Float32Array[] {
  const { channels, subClasses } = weights;
  // A linear head (hidden 0) stored its identity first layer without ReLU.
  const linear = weights.hidden === 0;
  const hidden = linear ? channels : weights.hidden;
  if (grid.channels !== channels)
    throw new ClassificationHeadError(
      `feature grid has ${grid.channels} channels, the head was trained on ${channels}`,
    );
  const cells = grid.width * grid.height;
  const maps = Array.from({ length: 1 + subClasses }, () => new Float32Array(cells));
  const x = new Float32Array(channels);
  const h = new Float32Array(hidden);
  for (let i = 0; i < cells; i++) {
    for (let c = 0; c < channels; c++)
      x[c] =
        ((grid.data[i * channels + c] as number) - (weights.featureMean[c] as number)) /
        (weights.featureStd[c] as number);
    if (linear) h.set(x);
    else
      for (let j = 0; j < hidden; j++) {
        let s = weights.hiddenBias[j] as number;
        for (let c = 0; c < channels; c++)
          s += (x[c] as number) * (weights.hiddenWeight[c * hidden + j] as number);
        h[j] = s > 0 ? s : 0;
      }
    for (let o = 0; o <= subClasses; o++) {
      let s = weights.outputBias[o] as number;
      for (let j = 0; j < hidden; j++)
        s += (h[j] as number) * (weights.outputWeight[j * (1 + subClasses) + o] as number);
      (maps[o] as Float32Array)[i] = s;
    }
  }
  return maps;
}

/** log-sum-exp pooling of one score map, as in training. */
export function poolScores(map: Float32Array, sharpness: number): number {
  let max = -Infinity;
  for (const v of map) if (v > max) max = v;
  let sum = 0;
  for (const v of map) sum += Math.exp(sharpness * (v - max));
  return max + Math.log(sum / map.length) / sharpness;
}

/** Probability that the image is 'present' (parent logit through the sigmoid). */
export function presentProbability(weights: ClassificationHeadWeights, grid: FeatureGrid): number {
  const parent = scoreMaps(weights, grid)[0] as Float32Array;
  return 1 / (1 + Math.exp(-poolScores(parent, weights.poolingSharpness)));
}
