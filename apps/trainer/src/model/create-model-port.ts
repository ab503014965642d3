/**
 * The ModelPort over '@loupe/model/node': tfjs training (wasm here, tfjs-node(-gpu) where it
 * installs), safetensors checkpoints with optimizer state, ONNX export, onnxruntime-node
 * evaluation (simulated annotator) and prediction. Errors of the model lib that mean bad input are
 * turned into TrainerErrors with a code the job runner acts on.
 */
import {
  AdamW,
  CheckpointMismatchError,
  MODEL_CONFIGS,
  NonFiniteLossError,
  createSegmenter,
  discoverLesions,
  evaluateOnnxModel,
  evaluateVolumePropagation,
  exportModel,
  fineTune,
  generateSyntheticFaDataset,
  loadSegmenterFromCheckpoint,
  openModelDir,
  pretrainMae,
  pseudoMaskFromTag,
  saveCheckpoint,
  selectTrainingBackend,
  trainingGradientWorkers,
  trainLesionClassifierFromMasks,
  trainTagClassifier,
  DEFAULT_TAGS_TO_MASKS,
  type SegmenterModel,
} from '@loupe/model/node';
import { pasteProbabilities } from '@loupe/prompts';
import { TrainerError } from '../errors';
import { acceptanceDice } from '../promotion/acceptance-dice';
import type { TrainingStep } from '../progress/training-progress';
import type {
  BoxPrediction,
  EvaluationMetrics,
  ExportedModelFiles,
  FineTuneLevers,
  FineTuneRequest,
  ModelPort,
  Predictor,
  PretrainRequest,
  PropagationMetrics,
  TagPseudoMask,
  TagPseudoMaskRequest,
  TrainableModel,
} from './model-port';

/** 'product' is the network browsers run (BASE_CONFIG); 'tiny' the test-sized one. */
const CONFIG_FOR: Record<'product' | 'tiny', string> = { product: 'base', tiny: 'tiny' };

/**
 * The starter's own training data for replay: train:starter's labelled set (seed 1 -> 1001),
 * one sample per lesion. Made once per process and size.
 */
const replayCache = new Map<number, ReturnType<typeof starterReplaySamples>>();
function starterReplaySamples(images: number) {
  return generateSyntheticFaDataset({ count: images, size: 256, seed: 1001 }).flatMap((d) =>
    d.lesions.map((mask) => ({ image: d.image, width: d.width, height: d.height, mask })),
  );
}
function replayOptions(levers: FineTuneLevers | undefined) {
  const replay = levers?.replay;
  if (!replay || replay.perBatch <= 0 || replay.images <= 0) return {};
  let samples = replayCache.get(replay.images);
  if (!samples) {
    samples = starterReplaySamples(replay.images);
    replayCache.set(replay.images, samples);
  }
  return { replay: { samples, perBatch: replay.perBatch } };
}

class LoadedSegmenter implements TrainableModel {
  constructor(
    readonly segmenter: SegmenterModel,
    /** Optimizer state to carry across a resume (set after each epoch of training). */
    public optimizer: AdamW | null,
  ) {}

  get configName(): string {
    return this.segmenter.config.name;
  }

  get config(): Record<string, unknown> {
    return { ...this.segmenter.config };
  }

  /** Replaces the optimizer, disposing the old one's moment tensors. */
  useOptimizer(optimizer: AdamW | null): void {
    if (this.optimizer && this.optimizer !== optimizer) this.optimizer.dispose();
    this.optimizer = optimizer;
  }

  dispose(): void {
    this.useOptimizer(null);
    this.segmenter.dispose();
  }
}

function unwrap(model: TrainableModel): LoadedSegmenter {
  if (!(model instanceof LoadedSegmenter))
    throw new TypeError('model was not created by this ModelPort');
  return model;
}

function sigmoid(logits: Float32Array): Float32Array {
  const out = new Float32Array(logits.length);
  for (let i = 0; i < logits.length; i++) out[i] = 1 / (1 + Math.exp(-(logits[i] as number)));
  return out;
}

/**
 * Runs async progress callbacks in order without blocking the (synchronous) training step that
 * reports them; the first failure stops training and is rethrown.
 */
class ProgressChain {
  private tail: Promise<void> = Promise.resolve();
  failure: unknown = null;

  push(task: () => Promise<void>): void {
    this.tail = this.tail.then(task).catch((error: unknown) => {
      this.failure ??= error;
    });
  }

  async drain(): Promise<void> {
    await this.tail;
    if (this.failure) throw this.failure;
  }
}

function asTrainerError(error: unknown): unknown {
  if (error instanceof NonFiniteLossError) {
    return new TrainerError('NON_FINITE_LOSS', `training diverged: ${error.message}`, {
      cause: error,
    });
  }
  return error;
}

export async function createModelPort(
  options: { log?: (line: string) => void } = {},
): Promise<ModelPort> {
  await selectTrainingBackend(options.log ? { log: options.log } : {});
  return {
    configName: (trainerConfig) => CONFIG_FOR[trainerConfig],

    async createFresh(configName, seed) {
      const config = MODEL_CONFIGS[configName];
      if (!config)
        throw new TrainerError(
          'NOT_FOUND',
          `unknown model config "${configName}" (known: ${Object.keys(MODEL_CONFIGS).join(', ')})`,
        );
      return new LoadedSegmenter(createSegmenter(config, { seed }), null);
    },

    async loadCheckpoint(file) {
      let loaded: Awaited<ReturnType<typeof loadSegmenterFromCheckpoint>>;
      try {
        loaded = await loadSegmenterFromCheckpoint(file);
      } catch (error) {
        if (error instanceof CheckpointMismatchError) {
          throw new TrainerError(
            'CHECKPOINT_MISMATCH',
            `the base model's checkpoint does not fit this network: ${error.message}`,
            { cause: error },
          );
        }
        throw error;
      }
      const { model, checkpoint } = loaded;
      let optimizer: AdamW | null = null;
      if (checkpoint.optimizer) {
        optimizer = new AdamW(checkpoint.optimizer.options);
        optimizer.setState(checkpoint.optimizer);
      }
      return new LoadedSegmenter(model, optimizer);
    },

    async saveCheckpoint(model, file, metadata, saveOptions) {
      const loaded = unwrap(model);
      const optimizer = saveOptions?.weightsOnly ? null : loaded.optimizer;
      await saveCheckpoint(file, {
        model: loaded.segmenter,
        optimizer,
        step: loaded.optimizer?.step ?? 0,
        ...(metadata ? { metadata } : {}),
      });
    },

    async fineTune(request: FineTuneRequest) {
      const loaded = unwrap(request.model);
      const remaining = request.epochs - request.startEpoch;
      if (remaining <= 0) return { steps: 0, finalLoss: Number.NaN };
      const samples = request.samples.map((s) => ({
        image: s.image.pixels,
        width: s.image.width,
        height: s.image.height,
        mask: s.mask,
        weight: s.weight,
        ...(s.neighbourMask ? { neighbourMask: s.neighbourMask } : {}),
        ...(s.supervision === 'box' ? { supervision: 'box' as const } : {}),
      }));
      const batchSize = Math.max(1, Math.min(request.batchSize, samples.length));
      const stepsPerEpoch = Math.ceil(samples.length / batchSize);
      const stepOffset = request.startEpoch * stepsPerEpoch;
      const progress = new ProgressChain();
      // A round starts from the active model's weights with a fresh optimizer; only a resumed
      // run (same round) continues with the saved optimizer state.
      if (request.startEpoch === 0) loaded.useOptimizer(null);
      const optimizer = loaded.optimizer;
      let finalLoss = Number.NaN;
      const gradientWorkers = await trainingGradientWorkers(loaded.segmenter.config);
      try {
        const result = await fineTune({
          model: loaded.segmenter,
          ...(gradientWorkers ? { gradientWorkers } : {}),
          samples,
          epochs: remaining,
          batchSize,
          learningRate: request.learningRate,
          seed: request.seed + request.startEpoch,
          ...(optimizer ? { optimizer } : {}),
          freeze: { imageEncoder: request.freezeEncoder },
          ...(request.levers?.encoderLearningRateScale !== undefined
            ? { encoderLearningRateScale: request.levers.encoderLearningRateScale }
            : {}),
          ...(request.levers?.emaDecay !== undefined ? { emaDecay: request.levers.emaDecay } : {}),
          ...replayOptions(request.levers),
          shouldStop: () => request.shouldStop() || progress.failure !== null,
          onProgress: (p) => {
            finalLoss = p.loss;
            const step: TrainingStep = {
              step: stepOffset + p.step,
              totalSteps: request.epochs * stepsPerEpoch,
              epoch: request.startEpoch + p.epoch,
              totalEpochs: request.epochs,
              loss: p.loss,
              dice: p.parts.dice,
              bce: p.parts.bce,
              iou: p.parts.iou,
            };
            progress.push(() => request.onProgress(step));
          },
          checkpointEvery: stepsPerEpoch,
          onCheckpoint: async ({ step, optimizer: used }) => {
            loaded.useOptimizer(used);
            await progress.drain();
            // Checkpoints fall on epoch boundaries (and at the end, which is one too).
            if (step % stepsPerEpoch === 0)
              await request.onEpochEnd(request.startEpoch + step / stepsPerEpoch - 1);
          },
        });
        loaded.useOptimizer(result.optimizer);
        await progress.drain();
        return { steps: result.steps, finalLoss };
      } catch (error) {
        throw asTrainerError(error);
      }
    },

    async pretrainMae(request: PretrainRequest) {
      const loaded = unwrap(request.model);
      const batchSize = 8;
      const stepsPerEpoch = Math.ceil(request.images.length / batchSize);
      const totalSteps = stepsPerEpoch * request.epochs;
      const progress = new ProgressChain();
      let finalLoss = Number.NaN;
      try {
        const result = await pretrainMae({
          model: loaded.segmenter,
          images: request.images.map((image) => ({
            pixels: image.pixels,
            width: image.width,
            height: image.height,
          })),
          steps: totalSteps - request.startEpoch * stepsPerEpoch,
          batchSize,
          seed: request.seed,
          shouldStop: () => request.shouldStop() || progress.failure !== null,
          onProgress: (p) => {
            finalLoss = p.loss;
            const step = request.startEpoch * stepsPerEpoch + p.step;
            progress.push(() =>
              request.onProgress({
                step,
                totalSteps,
                epoch: Math.min(request.epochs - 1, Math.floor((step - 1) / stepsPerEpoch)),
                totalEpochs: request.epochs,
                loss: p.loss,
              }),
            );
          },
        });
        await progress.drain();
        return { steps: result.steps, finalLoss };
      } catch (error) {
        throw asTrainerError(error);
      }
    },

    async exportOnnx(model, outDir, exportOptions) {
      const result = await exportModel(unwrap(model).segmenter, outDir, exportOptions);
      return {
        dir: outDir,
        manifestPath: result.files.manifest,
        encoderPath: result.files.encoder,
        decoderPath: result.files.decoder,
      };
    },

    async evaluate(files: ExportedModelFiles, samples): Promise<EvaluationMetrics> {
      const summary = await evaluateOnnxModel({
        modelDir: files.dir,
        samples: samples.map((s, index) => ({
          image: {
            pixels: s.image.pixels,
            width: s.image.width,
            height: s.image.height,
            channels: 1,
          },
          gtMask: s.mask,
          id: String(index),
        })),
      });
      return {
        dice: summary.dice,
        iou: summary.iou,
        noc85: summary.noc85,
        noc90: summary.noc90,
        nof90: summary.nof90,
        hd95: summary.hd95,
        objects: summary.objects,
        acceptanceDice: acceptanceDice(summary.perObject.map((o) => o.dice)),
      };
    },

    async evaluatePropagation(files, volumes): Promise<PropagationMetrics> {
      const predictor = await openModelDir(files.dir);
      try {
        const summary = await evaluateVolumePropagation(
          predictor,
          volumes.map((v) => ({ ...v, slices: v.slices.map((s) => s.pixels) })),
        );
        return {
          volumeDice: summary.volumeDice,
          objects: summary.objects,
          volumes: summary.volumes,
        };
      } finally {
        await predictor.release();
      }
    },

    async openPredictor(files: ExportedModelFiles): Promise<Predictor> {
      const predictor = await openModelDir(files.dir);
      return {
        async predictBox(image, box): Promise<BoxPrediction> {
          const prediction = await predictor.predict(
            { pixels: image.pixels, width: image.width, height: image.height, channels: 1 },
            box,
          );
          return {
            cropProbabilities: prediction.lowResLogits.map(sigmoid),
            iouPredictions: prediction.iouPredictions,
            fullResolution: (index) =>
              index === 0
                ? prediction.probabilities
                : pasteProbabilities(
                    prediction.lowResLogits[index] as Float32Array,
                    prediction.maskSize,
                    prediction.crop,
                    image.width,
                    image.height,
                  ),
          };
        },
        async trainLesionFinder(masked) {
          const classifier = await trainLesionClassifierFromMasks(
            predictor,
            masked.map((m) => ({ ...gray(m.image), objects: m.objects.map((o) => o.data) })),
            DEFAULT_TAGS_TO_MASKS,
          );
          if (!classifier) return null;
          return {
            async propose(image, minScore) {
              const lesions = await discoverLesions(
                predictor,
                classifier,
                gray(image),
                minScore,
                DEFAULT_TAGS_TO_MASKS,
              );
              return lesions.map((l) => l.box);
            },
          };
        },
        close: () => predictor.release(),
      };
    },

    async tagPseudoMasks(request: TagPseudoMaskRequest): Promise<TagPseudoMask[]> {
      await selectTrainingBackend();
      const options = { ...DEFAULT_TAGS_TO_MASKS, seed: request.seed };
      const predictor = await openModelDir(request.files.dir);
      try {
        const classifier = await trainTagClassifier(
          predictor,
          request.training.map((t) => ({ ...gray(t.image), present: t.present })),
          options,
        );
        const out: TagPseudoMask[] = [];
        for (const image of request.targets) {
          const pseudo = await pseudoMaskFromTag(predictor, classifier, gray(image), options);
          out.push({
            mask: { width: pseudo.width, height: pseudo.height, data: pseudo.mask },
            confidence: pseudo.confidence,
          });
        }
        return out;
      } finally {
        await predictor.release();
      }
    },
  };
}

function gray(image: { pixels: Float32Array; width: number; height: number }) {
  return { pixels: image.pixels, width: image.width, height: image.height };
}
