/**
 * Fine-tuning the segmenter on accepted masks with SAM's / RITM's iterative prompting: each step
 * prompts with a jittered box, then runs 1..maxClickRounds (K, default 8) rounds, each adding one
 * click from the error region of the previous prediction (where the simulated annotator clicks:
 * the interior of the largest error region, positive for a miss) with the previous logits as mask
 * prompt, then one round with the mask prompt alone (no new click). As in RITM, only the last
 * `gradientClickRounds` click rounds (default 2) carry a loss and a gradient; the earlier ones only
 * run forward to produce the next click and mask (cheap: the decoder, no backward pass). The box
 * round and the mask-only round always carry a loss. The previous logits enter as data (a copy),
 * so no gradient flows through them (SAM's stop-gradient). Losses in losses.ts.
 * Freezing: the image encoder and/or prompt encoder can be kept fixed (decoder-only rounds), or
 * the image encoder trained at a fraction of the rate. Against forgetting on a few new masks:
 * replay (each batch also carries earlier training samples) and an exponential moving average of
 * the weights that starts at the initial weights (so a short run ends between them and the tuned
 * ones).
 * Volume slices with an adjacent slice's accepted mask (FineTuneSample.neighbourMask) add a
 * propagation round: prompted as propagateVolume prompts the next slice (the neighbour's shrunk
 * box, the neighbour's mask as mask prompt, in a crop around that box, so a second encoder pass),
 * with this slice's mask as target. Samples without a neighbour train exactly as before.
 * Box-supervised samples (FineTuneSample.supervision 'box': a box weak label, no mask) train with
 * BoxInst's loss (box-supervised-loss.ts) in every round instead of Dice + BCE + IoU, and get no
 * corrective clicks (there is no true mask to click on).
 * A non-finite loss stops the run before the weights change (NonFiniteLossError).
 */
import * as tf from '@tensorflow/tfjs';
import { PROMPT_LABEL, nextClick } from '@loupe/prompts';
import { deriveSizes } from '../config';
import { saveCheckpoint } from '../checkpoint/checkpoint';
import { assertTrainable } from '../data/evaluation-only';
import type { ParamGroup } from '../modeling/param-spec';
import { createRng, type Rng } from '../ops/seeded-random';
import type { SegmenterModel } from '../segmenter-model';
import { AdamW } from './adam';
import type { GradientWorkers } from './gradient-workers';
import { DEFAULT_LOSS_WEIGHTS, clickLoss, segmenterLoss, type LossWeights } from './losses';
import { NonFiniteLossError } from './non-finite-loss-error';
import {
  DEFAULT_PAIRWISE_WEIGHT,
  PAIR_OFFSETS,
  boxSupervisedLoss,
  type PairwiseAffinityOptions,
} from './box-supervised-loss';
import {
  capEmptySamples,
  prepareExample,
  preparePropagationExample,
  type FineTuneSample,
  type PreparedExample,
  type PropagationExample,
} from './training-sample';

export interface FineTuneProgress {
  step: number;
  totalSteps: number;
  epoch: number;
  loss: number;
  parts: { dice: number; bce: number; iou: number };
  msPerImage: number;
}

export interface FineTuneOptions {
  model: SegmenterModel;
  samples: FineTuneSample[];
  epochs: number;
  batchSize?: number;
  seed?: number;
  rng?: Rng;
  learningRate?: number;
  /** Warmup steps, then cosine decay to 10 % (default: 5 % of the steps). */
  warmupSteps?: number;
  freeze?: { imageEncoder?: boolean; promptEncoder?: boolean };
  /** The image encoder's learning rate as a fraction of the others' (default 1). */
  encoderLearningRateScale?: number;
  /** Earlier training data mixed into every batch: `perBatch` samples drawn at random. */
  replay?: { samples: FineTuneSample[]; perBatch: number };
  /** Empty samples kept at most per lesion sample (training-sample.ts capEmptySamples; default
   * MAX_EMPTY_PER_LESION; Infinity: all). */
  maxEmptyPerLesion?: number;
  /**
   * Decay of an exponential moving average of the trained weights, started at the initial
   * weights and copied into the model at the end (default: none). No bias correction on purpose:
   * with few steps the result stays near the initial weights.
   */
  emaDecay?: number;
  lossWeights?: Partial<LossWeights>;
  /** Probability that a step runs the click rounds after the box (default 1). */
  clickProbability?: number;
  /** K: a click step runs 1..K click rounds (uniform), each from the previous error (default 8). */
  maxClickRounds?: number;
  /** How many of the last click rounds carry a loss and gradient (default 2; Infinity: all, as SAM). */
  gradientClickRounds?: number;
  /** After the click rounds, one more round with the mask prompt and no new click (default true). */
  maskOnlyRound?: boolean;
  /** For samples with a `neighbourMask`, the propagation round (default true). */
  propagationRound?: boolean;
  /** Share of clicks placed where the simulated annotator clicks; the rest uniformly over the
   * error pixels, as SAM samples them (default 0.8). */
  annotatorClickShare?: number;
  /**
   * Weight of the click loss (losses.ts clickLoss: BCE of the shown output on discs around every
   * click so far) in each click round that carries a loss (default 0: off).
   */
  clickLossWeight?: number;
  /** Radius of those discs in mask-grid cells (default 1.5). */
  clickDiscRadius?: number;
  /** Train on the share of each mask cell the object covers instead of 0/1 cells (default false). */
  softTargets?: boolean;
  /** Box-supervised samples (supervision 'box'): BoxInst's pairwise weight and pair affinity. */
  boxSupervision?: { pairwiseWeight?: number; affinity?: PairwiseAffinityOptions };
  /** Box jitter as a fraction of the longer side (default 0.1). */
  boxJitter?: number;
  /** Continue with an existing optimizer (resume); otherwise a fresh AdamW. */
  optimizer?: AdamW;
  /**
   * Worker threads that each compute the gradients of a part of every batch (gradient-workers.ts):
   * the same mean over the whole batch, one AdamW step. Without them the main thread does all.
   */
  gradientWorkers?: GradientWorkers;
  onProgress?: (p: FineTuneProgress) => void;
  shouldStop?: () => boolean;
  /** Save a checkpoint every N steps (and at the end) to checkpointPath and/or onCheckpoint. */
  checkpointEvery?: number;
  checkpointPath?: string;
  onCheckpoint?: (info: { step: number; optimizer: AdamW }) => Promise<void> | void;
}

export interface FineTuneResult {
  lossHistory: number[];
  steps: number;
  stopped: boolean;
  optimizer: AdamW;
}

function shuffled<T>(items: T[], rng: Rng): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/**
 * Adds one corrective click per example from the error region of its latest prediction (mask
 * grid): with probability `annotatorShare` where the simulated annotator would click (libs/prompts
 * nextClick: the interior of the largest error region), otherwise uniformly over the error pixels
 * (SAM).
 * Examples with no error get a padding point so the batch keeps one shape. `rngs`: one stream for
 * all, or one per example (a batch split over workers then draws the same clicks).
 */
export function addCorrectionClicks(
  logits: Float32Array,
  examples: PreparedExample[],
  previous: { coords: Float32Array; labels: Float32Array; n: number },
  k: number,
  maskSize: number,
  inputSize: number,
  rngs: Rng | Rng[],
  annotatorShare = 0.5,
): { coords: Float32Array; labels: Float32Array; n: number } {
  const b = examples.length;
  const n = previous.n + 1;
  const plane = maskSize * maskSize;
  const scale = inputSize / maskSize;
  const coords = new Float32Array(b * n * 2);
  const labels = new Float32Array(b * n);
  examples.forEach((e, i) => {
    const rng = Array.isArray(rngs) ? (rngs[i] as Rng) : rngs;
    coords.set(previous.coords.subarray(i * previous.n * 2, (i + 1) * previous.n * 2), i * n * 2);
    labels.set(previous.labels.subarray(i * previous.n, (i + 1) * previous.n), i * n);
    const pred = new Uint8Array(plane);
    const gt = new Uint8Array(plane);
    const errors: number[] = [];
    for (let p = 0; p < plane; p++) {
      pred[p] = (logits[i * k * plane + p] as number) > 0 ? 1 : 0;
      gt[p] = (e.target[p] as number) > 0.5 ? 1 : 0;
      if (pred[p] !== gt[p]) errors.push(p);
    }
    const at = i * n + previous.n;
    // A box-supervised example has no true mask to click on.
    if (errors.length === 0 || e.boxSupervised) {
      labels[at] = PROMPT_LABEL.padding;
      return;
    }
    let x: number;
    let y: number;
    let positive: boolean;
    const annotator =
      rng.next() < annotatorShare
        ? nextClick(
            { width: maskSize, height: maskSize, data: gt },
            { width: maskSize, height: maskSize, data: pred },
            { width: maskSize, height: maskSize, data: new Uint8Array(plane) },
          )
        : null;
    if (annotator) {
      ({ x, y, positive } = annotator);
    } else {
      const p = errors[rng.int(errors.length)] as number;
      x = (p % maskSize) + 0.5;
      y = Math.floor(p / maskSize) + 0.5;
      positive = gt[p] === 1;
    }
    coords[at * 2] = x * scale;
    coords[at * 2 + 1] = y * scale;
    labels[at] = positive ? PROMPT_LABEL.positive : PROMPT_LABEL.negative;
  });
  return { coords, labels, n };
}

/**
 * Discs of `radius` mask cells around each example's clicks (positive and negative; box corners
 * and padding are skipped): [B*M*M] 0/1, the pixels the click loss supervises.
 */
export function clickDiscs(
  prompts: { coords: Float32Array; labels: Float32Array; n: number },
  b: number,
  maskSize: number,
  inputSize: number,
  radius: number,
): Float32Array {
  const plane = maskSize * maskSize;
  const out = new Float32Array(b * plane);
  const scale = maskSize / inputSize;
  const r = Math.ceil(radius);
  for (let i = 0; i < b; i++)
    for (let j = 0; j < prompts.n; j++) {
      const label = prompts.labels[i * prompts.n + j];
      if (label !== PROMPT_LABEL.positive && label !== PROMPT_LABEL.negative) continue;
      // Cell centres sit at (c + 0.5); the click's cell is the one containing it.
      const cx = (prompts.coords[(i * prompts.n + j) * 2] as number) * scale - 0.5;
      const cy = (prompts.coords[(i * prompts.n + j) * 2 + 1] as number) * scale - 0.5;
      for (let y = Math.round(cy) - r; y <= Math.round(cy) + r; y++)
        for (let x = Math.round(cx) - r; x <= Math.round(cx) + r; x++) {
          if (x < 0 || y < 0 || x >= maskSize || y >= maskSize) continue;
          if ((x - cx) ** 2 + (y - cy) ** 2 <= radius * radius)
            out[i * plane + y * maskSize + x] = 1;
        }
    }
  return out;
}

/** Output 0 (the single-mask output, the one shown) of each example: the next mask prompt [B*M*M]. */
export function shownLogits(
  masks: Float32Array,
  b: number,
  k: number,
  plane: number,
): Float32Array {
  const out = new Float32Array(b * plane);
  for (let i = 0; i < b; i++)
    out.set(masks.subarray(i * k * plane, i * k * plane + plane), i * plane);
  return out;
}

/** The propagation round's loss: its own crops (an encoder pass), box + neighbour-mask prompt. */
function propagationLoss(
  model: SegmenterModel,
  examples: PropagationExample[],
  weights: LossWeights,
  norm?: number,
): tf.Tensor {
  const { maskSize } = deriveSizes(model.config);
  const s = model.config.inputSize;
  const plane = maskSize * maskSize;
  const b = examples.length;
  const input = new Float32Array(b * s * s);
  const target = new Float32Array(b * plane);
  const maskInput = new Float32Array(b * plane);
  const coords = new Float32Array(b * 4);
  const labels = new Float32Array(b * 2);
  examples.forEach((e, i) => {
    input.set(e.input, i * s * s);
    target.set(e.target, i * plane);
    maskInput.set(e.maskInput, i * plane);
    coords.set(e.coords, i * 4);
    labels.set(e.labels, i * 2);
  });
  const enc = model.network.encodeImage(model.ops, tf.tensor4d(input, [b, 1, s, s]));
  const out = model.network.decode(
    model.ops,
    enc.imageEmbedding,
    enc.highResFeatures,
    tf.tensor3d(coords, [b, 2, 2]),
    tf.tensor2d(labels, [b, 2]),
    {
      maskInput: tf.tensor4d(maskInput, [b, 1, maskSize, maskSize]),
      hasMaskInput: tf.ones([b]),
    },
  );
  return segmenterLoss(
    out.masks,
    out.iouPredictions,
    tf.tensor2d(target, [b, plane]),
    target,
    tf.tensor1d(examples.map((e) => e.weight)),
    weights,
    norm,
  ).total;
}

/** What one step's loss is computed from, prepared by fineTune (so parts can go to workers). */
export interface StepInput {
  batch: PreparedExample[];
  propagation: PropagationExample[];
  /** Click rounds after the box (one draw per batch). */
  clickRounds: number;
  /** One seed per example for its clicks: a batch split over workers draws the same clicks. */
  clickSeeds: number[];
  /** When this is a part of a batch: the whole batch's total sample weight (losses.ts). */
  norm?: number;
  /** ... and the whole batch's total propagation-example weight. */
  propagationNorm?: number;
}

export interface StepSettings {
  lossWeights: LossWeights;
  gradientClickRounds: number;
  maskOnlyRound: boolean;
  annotatorShare: number;
  clickLossWeight: number;
  clickDiscRadius: number;
  /** Weight of the box-supervised loss's pairwise term (default DEFAULT_PAIRWISE_WEIGHT). */
  pairwiseWeight?: number;
}

const totalWeight = (examples: { weight: number }[]) =>
  examples.reduce((sum, e) => sum + e.weight, 0);

/** `input` in up to `count` parts, each normalised by the whole batch's weights. */
export function splitStepInput(input: StepInput, count: number): StepInput[] {
  const n = Math.max(1, Math.min(count, input.batch.length));
  const size = Math.ceil(input.batch.length / n);
  const propagationSize = Math.ceil(input.propagation.length / n);
  const norm = totalWeight(input.batch);
  const propagationNorm = totalWeight(input.propagation);
  return Array.from({ length: n }, (_, i) => ({
    batch: input.batch.slice(i * size, (i + 1) * size),
    propagation: input.propagation.slice(i * propagationSize, (i + 1) * propagationSize),
    clickRounds: input.clickRounds,
    clickSeeds: input.clickSeeds.slice(i * size, (i + 1) * size),
    norm,
    propagationNorm,
  })).filter((part) => part.batch.length > 0);
}

/** Every weight of the model by name, trainable or not (copies), for a worker's replica. */
export function modelWeights(model: SegmenterModel): Record<string, Float32Array> {
  const out: Record<string, Float32Array> = {};
  for (const [name, v] of model.variables) out[name] = v.dataSync() as Float32Array;
  return out;
}

/**
 * One step's loss (box round, click rounds, mask-only round, propagation round) and its
 * gradients for `variables` (by parameter name). Call inside tf.tidy; the tensors returned stay.
 */
export function stepGradients(
  model: SegmenterModel,
  variables: Map<string, tf.Variable>,
  input: StepInput,
  settings: StepSettings,
): {
  value: tf.Scalar;
  grads: Record<string, tf.Tensor>;
  parts: { dice: number; bce: number; iou: number };
} {
  const { batch, propagation, clickRounds, norm } = input;
  const weights = settings.lossWeights;
  const { maskSize, numMaskTokens: k } = deriveSizes(model.config);
  const s = model.config.inputSize;
  const plane = maskSize * maskSize;
  const b = batch.length;
  const pixels = new Float32Array(b * s * s);
  const target = new Float32Array(b * plane);
  const coords = new Float32Array(b * 4);
  const labels = new Float32Array(b * 2);
  batch.forEach((e, i) => {
    pixels.set(e.input, i * s * s);
    target.set(e.target, i * plane);
    coords.set(e.coords, i * 4);
    labels.set(e.labels, i * 2);
  });
  const clickRngs = input.clickSeeds.map((seed) => createRng(seed));
  let parts = { dice: 0, bce: 0, iou: 0 };
  const x = tf.tensor4d(pixels, [b, 1, s, s]);
  const t = tf.tensor2d(target, [b, plane]);
  // Box-supervised examples train on box-supervised-loss.ts, the others on Dice + BCE + IoU; both
  // over the whole batch's weight, so the sum is the batch's weighted mean.
  const boxSupervised = batch.some((e) => e.boxSupervised);
  const w = tf.tensor1d(batch.map((e) => (e.boxSupervised ? 0 : e.weight)));
  const boxWeights = tf.tensor1d(batch.map((e) => (e.boxSupervised ? e.weight : 0)));
  const pairPlane = PAIR_OFFSETS.length * plane;
  const affinity = boxSupervised
    ? (() => {
        const pairs = new Float32Array(b * pairPlane); // zeros for the mask examples
        batch.forEach((e, i) => e.affinity && pairs.set(e.affinity, i * pairPlane));
        return tf.tensor2d(pairs, [b, pairPlane]);
      })()
    : null;
  const batchNorm = norm ?? Math.max(totalWeight(batch), 1e-6);
  const roundLoss = (out: { masks: tf.Tensor; iouPredictions: tf.Tensor }) => {
    const maskLoss = segmenterLoss(out.masks, out.iouPredictions, t, target, w, weights, batchNorm);
    return {
      maskLoss,
      total: affinity
        ? tf.add(
            maskLoss.total,
            boxSupervisedLoss(out.masks, t, affinity, boxWeights, batchNorm, {
              pairwiseWeight: settings.pairwiseWeight ?? DEFAULT_PAIRWISE_WEIGHT,
            }),
          )
        : maskLoss.total,
    };
  };
  const varList = [...variables.values()];
  const nameOf = new Map([...variables].map(([name, v]) => [v.name, name]));
  const { value, grads } = tf.variableGrads(() => {
    const enc = model.network.encodeImage(model.ops, x);
    const first = model.network.decode(
      model.ops,
      enc.imageEmbedding,
      enc.highResFeatures,
      tf.tensor3d(coords, [b, 2, 2]),
      tf.tensor2d(labels, [b, 2]),
    );
    const firstLoss = roundLoss(first);
    const l1 = firstLoss.maskLoss;
    let total = firstLoss.total;
    // Corrective clicks, each from the error of the previous prediction, with that
    // prediction's logits as mask prompt (SAM's iterative prompting).
    let prompts: { coords: Float32Array; labels: Float32Array; n: number } = {
      coords,
      labels,
      n: 2,
    };
    let latest = first.masks.dataSync() as Float32Array;
    const decodeWithMask = () =>
      model.network.decode(
        model.ops,
        enc.imageEmbedding,
        enc.highResFeatures,
        tf.tensor3d(prompts.coords, [b, prompts.n, 2]),
        tf.tensor2d(prompts.labels, [b, prompts.n]),
        {
          maskInput: tf.tensor4d(shownLogits(latest, b, k, plane), [b, 1, maskSize, maskSize]),
          hasMaskInput: tf.ones([b]),
        },
      );
    // The shown output on discs around every click so far (losses.ts clickLoss).
    const clickTerm = (masks: tf.Tensor) =>
      tf.mul(
        clickLoss(
          masks,
          t,
          tf.tensor2d(clickDiscs(prompts, b, maskSize, s, settings.clickDiscRadius), [b, plane]),
          w,
          batchNorm,
        ),
        settings.clickLossWeight,
      );
    for (let round = 0; round < clickRounds; round++) {
      prompts = addCorrectionClicks(
        latest,
        batch,
        prompts,
        k,
        maskSize,
        s,
        clickRngs,
        settings.annotatorShare,
      );
      const next = decodeWithMask();
      // Earlier rounds only make the next click and mask: no loss, so no backward pass.
      if (round >= clickRounds - settings.gradientClickRounds) {
        total = tf.add(total, roundLoss(next).total);
        if (settings.clickLossWeight > 0) total = tf.add(total, clickTerm(next.masks));
      }
      latest = next.masks.dataSync() as Float32Array;
    }
    if (clickRounds > 0 && settings.maskOnlyRound) {
      const refined = decodeWithMask();
      total = tf.add(total, roundLoss(refined).total);
      if (settings.clickLossWeight > 0) total = tf.add(total, clickTerm(refined.masks));
    }
    if (propagation.length > 0)
      total = tf.add(total, propagationLoss(model, propagation, weights, input.propagationNorm));
    parts = {
      dice: l1.parts.dice.dataSync()[0] as number,
      bce: l1.parts.bce.dataSync()[0] as number,
      iou: l1.parts.iou.dataSync()[0] as number,
    };
    return total as tf.Scalar;
  }, varList);
  const named: Record<string, tf.Tensor> = {};
  for (const [varName, g] of Object.entries(grads)) named[nameOf.get(varName) ?? varName] = g;
  return { value, grads: named, parts };
}

export function learningRateAt(step: number, total: number, base: number, warmup: number): number {
  if (step < warmup) return (base * (step + 1)) / warmup;
  const t = (step - warmup) / Math.max(1, total - warmup);
  return base * (0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * Math.min(1, t))));
}

export async function fineTune(options: FineTuneOptions): Promise<FineTuneResult> {
  const { model, epochs } = options;
  const samples = capEmptySamples(options.samples, options.maxEmptyPerLesion);
  if (samples.length === 0) throw new Error('fineTune: no samples');
  assertTrainable(
    samples.map((s) => s.image),
    'fineTune',
  );
  const batchSize = Math.max(1, Math.min(options.batchSize ?? 4, samples.length));
  const rng = options.rng ?? createRng(options.seed ?? 1);
  const weights = { ...DEFAULT_LOSS_WEIGHTS, ...options.lossWeights };
  const frozen = new Set<ParamGroup>(['mae']);
  if (options.freeze?.imageEncoder) frozen.add('imageEncoder');
  if (options.freeze?.promptEncoder) frozen.add('promptEncoder');
  const variables = model.trainableVariables(frozen);
  const optimizer = options.optimizer ?? new AdamW({ learningRate: options.learningRate ?? 1e-3 });
  const encoderScale = options.encoderLearningRateScale ?? 1;
  if (!(encoderScale >= 0)) throw new Error('fineTune: encoderLearningRateScale must be >= 0');
  const rateScale =
    encoderScale === 1
      ? undefined
      : new Map(
          model.specs.filter((p) => p.group === 'imageEncoder').map((p) => [p.name, encoderScale]),
        );
  const replaySamples = options.replay?.samples ?? [];
  assertTrainable(
    replaySamples.map((s) => s.image),
    'fineTune replay',
  );
  const replayPerBatch = replaySamples.length > 0 ? (options.replay?.perBatch ?? 0) : 0;
  const emaDecay = options.emaDecay;
  if (emaDecay !== undefined && !(emaDecay >= 0 && emaDecay < 1))
    throw new Error('fineTune: emaDecay must be in [0, 1)');
  const ema =
    emaDecay === undefined
      ? null
      : new Map(
          [...variables].map(([name, v]) => [name, tf.tidy(() => tf.variable(v.clone(), false))]),
        );
  let emaApplied = false;
  const applyEma = () => {
    if (!ema || emaApplied) return;
    for (const [name, shadow] of ema) variables.get(name)?.assign(shadow);
    emaApplied = true;
  };
  const stepsPerEpoch = Math.ceil(samples.length / batchSize);
  const totalSteps = stepsPerEpoch * epochs;
  const warmup = options.warmupSteps ?? Math.max(1, Math.round(totalSteps * 0.05));
  const clickProbability = options.clickProbability ?? 1;
  const maxClickRounds = Math.max(1, options.maxClickRounds ?? 8);
  const gradientClickRounds = Math.max(1, options.gradientClickRounds ?? 2);
  const maskOnlyRound = options.maskOnlyRound ?? true;
  const propagationRound = options.propagationRound ?? true;
  const annotatorShare = options.annotatorClickShare ?? 0.8;
  const clickLossWeight = options.clickLossWeight ?? 0;
  const clickDiscRadius = options.clickDiscRadius ?? 1.5;
  const stepSettings: StepSettings = {
    lossWeights: weights,
    gradientClickRounds,
    maskOnlyRound,
    annotatorShare,
    clickLossWeight,
    clickDiscRadius,
    pairwiseWeight: options.boxSupervision?.pairwiseWeight ?? DEFAULT_PAIRWISE_WEIGHT,
  };
  const lossHistory: number[] = [];
  let lastCheckpoint: number | null = null;
  /** Once onCheckpoint has seen the optimizer, the caller may hold it: never dispose it then. */
  let handedOut = false;
  let step = 0;
  let stopped = false;

  const checkpoint = async () => {
    if (options.checkpointPath)
      await saveCheckpoint(options.checkpointPath, {
        model,
        optimizer,
        step: optimizer.step,
        metadata: { fineTuneStep: step },
      });
    if (options.onCheckpoint) {
      handedOut = true;
      await options.onCheckpoint({ step, optimizer });
    }
    lastCheckpoint = step;
  };

  try {
    outer: for (let epoch = 0; epoch < epochs; epoch++) {
      const order = shuffled(samples, rng);
      for (let start = 0; start < order.length; start += batchSize) {
        if (options.shouldStop?.()) {
          stopped = true;
          break outer;
        }
        const t0 = performance.now();
        const replayed = Array.from(
          { length: replayPerBatch },
          () => replaySamples[rng.int(replaySamples.length)] as FineTuneSample,
        );
        const batchSamples = [...order.slice(start, start + batchSize), ...replayed];
        const batch = batchSamples.map((sample) =>
          prepareExample(sample, model.config, rng, {
            jitter: options.boxJitter ?? 0.1,
            flip: true,
            softTarget: options.softTargets ?? false,
            ...(options.boxSupervision?.affinity
              ? { affinity: options.boxSupervision.affinity }
              : {}),
          }),
        );
        const propagation = propagationRound
          ? batchSamples
              .map((sample) => preparePropagationExample(sample, model.config))
              .filter((e): e is PropagationExample => e !== null)
          : [];
        const b = batch.length;
        const clickRounds = rng.next() < clickProbability ? 1 + rng.int(maxClickRounds) : 0;
        const stepInput: StepInput = {
          batch,
          propagation,
          clickRounds,
          clickSeeds: batch.map(() => rng.int(2 ** 31)),
        };
        // With workers: the batch in parts, one per thread, each loss normalised by the whole
        // batch's weight, so the parts' gradients add up to the whole batch's.
        const parts = options.gradientWorkers
          ? splitStepInput(stepInput, options.gradientWorkers.size + 1)
          : [stepInput];
        const remote =
          parts.length > 1 && options.gradientWorkers
            ? options.gradientWorkers.gradients(parts.slice(1), stepSettings, modelWeights(model), [
                ...variables.keys(),
              ])
            : null;
        let local: ReturnType<typeof stepGradients>;
        try {
          local = tf.tidy(() =>
            stepGradients(model, variables, parts[0] as StepInput, stepSettings),
          );
        } catch (error) {
          await remote?.catch(() => undefined); // the worker is free again before this throws
          throw error;
        }
        const others = remote ? await remote : [];
        let lossValue = local.value.dataSync()[0] as number;
        let partValues = local.parts;
        for (const other of others) {
          lossValue += other.loss;
          partValues = {
            dice: partValues.dice + other.parts.dice,
            bce: partValues.bce + other.parts.bce,
            iou: partValues.iou + other.parts.iou,
          };
        }
        if (Number.isFinite(lossValue))
          tf.tidy(() => {
            const named: Record<string, tf.Tensor> = { ...local.grads };
            for (const other of others)
              for (const [name, g] of Object.entries(other.grads)) {
                const mine = named[name];
                const theirs = tf.tensor(g, (variables.get(name) as tf.Variable).shape);
                named[name] = mine ? tf.add(mine, theirs) : theirs;
              }
            optimizer.apply(
              variables,
              named,
              learningRateAt(step, totalSteps, optimizer.options.learningRate, warmup),
              rateScale,
            );
            if (ema && emaDecay !== undefined)
              for (const [name, shadow] of ema) {
                const v = variables.get(name) as tf.Variable;
                shadow.assign(tf.add(tf.mul(shadow, emaDecay), tf.mul(v, 1 - emaDecay)));
              }
          });
        tf.dispose([local.value, ...Object.values(local.grads)]);
        if (!Number.isFinite(lossValue))
          throw new NonFiniteLossError(step, lossValue, lastCheckpoint);
        lossHistory.push(lossValue);
        step++;
        options.onProgress?.({
          step,
          totalSteps,
          epoch,
          loss: lossValue,
          parts: partValues,
          msPerImage: (performance.now() - t0) / b,
        });
        // The last checkpoint holds what the run hands back (the averaged weights).
        if (step === totalSteps) applyEma();
        if (options.checkpointEvery && step % options.checkpointEvery === 0) await checkpoint();
        // Let timers and I/O run between steps (progress output, shouldStop signals).
        await new Promise((r) => setImmediate(r));
      }
    }
    if (!stopped) applyEma();
    if (options.checkpointEvery && lastCheckpoint !== step) await checkpoint();
  } catch (error) {
    // An optimizer we created is ours to free; a caller's optimizer stays usable for a retry.
    if (!options.optimizer && !handedOut) optimizer.dispose();
    throw error;
  } finally {
    if (ema) for (const shadow of ema.values()) shadow.dispose();
  }
  return { lossHistory, steps: step, stopped, optimizer };
}
