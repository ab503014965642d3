/**
 * What the trainer needs from the model library, in the trainer's own terms. The adapter in
 * `create-model-port.ts` maps it onto '@loupe/model/node'; jobs depend only on this interface,
 * which keeps the model lib's training internals out of the job code.
 */
import type { Box, Mask } from '@loupe/prompts';
import type { GrayImage } from '../data/decode-image-pixels';
import type { TrainingStep } from '../progress/training-progress';

/** A segmenter with trainable weights in memory. */
export interface TrainableModel {
  readonly configName: string;
  readonly config: Record<string, unknown>;
  dispose(): void;
}

export interface TrainingSample {
  image: GrayImage;
  mask: Mask;
  /** Per-sample loss weight (1 for accepted masks, confidence for pseudo-masks). */
  weight: number;
  /** Volume slices: the object's accepted mask on an adjacent slice (a propagation round). */
  neighbourMask?: Mask;
  /** 'box': only the box is known (`mask` is it filled); trains with the box-supervised loss. */
  supervision?: 'box';
}

export interface FineTuneLevers {
  /** The image encoder's learning rate as a fraction of the decoder's. */
  encoderLearningRateScale?: number;
  /** Exponential moving average of the weights from the base model's (decay per step). */
  emaDecay?: number;
  /** Mix the starter's own synthetic training data into every batch. */
  replay?: { images: number; perBatch: number };
}

export interface FineTuneRequest {
  model: TrainableModel;
  samples: TrainingSample[];
  /** Total epochs of the round, and the first one still to run (> 0 when resuming). */
  epochs: number;
  startEpoch: number;
  /** Train the mask decoder only (the encoder keeps its MAE features). */
  freezeEncoder: boolean;
  /** Against forgetting when a round has few new masks (TrainerConfig.fineTuneLevers). */
  levers?: FineTuneLevers;
  batchSize: number;
  learningRate: number;
  seed: number;
  onProgress(step: TrainingStep): Promise<void>;
  /** Called after each finished epoch (0-based); the trainer checkpoints there. */
  onEpochEnd(epoch: number): Promise<void>;
  /** Polled between steps; true ends training early (TrainerError SHUTDOWN is thrown). */
  shouldStop(): boolean;
}

export interface PretrainRequest {
  model: TrainableModel;
  images: GrayImage[];
  epochs: number;
  startEpoch: number;
  seed: number;
  onProgress(step: TrainingStep): Promise<void>;
  onEpochEnd(epoch: number): Promise<void>;
  shouldStop(): boolean;
}

export interface EvaluationMetrics {
  dice: number;
  iou: number;
  noc85: number;
  noc90: number;
  nof90: number;
  hd95?: number;
  objects: number;
  /** Mean over objects of min(1, Dice / ACCEPT_DICE): the promotion gate's figure (acceptance-dice.ts). */
  acceptanceDice: number;
  /** Propagation on held-out volumes (the gate adds it where the project has some). */
  propagation?: PropagationMetrics;
}

/** Propagation quality on held-out volumes (#14 item 5): mean per-object volume Dice. */
export interface PropagationMetrics {
  /** Null when no object had a held-out slice to score. */
  volumeDice: number | null;
  objects: number;
  volumes: number;
}

/** One held-out volume for evaluatePropagation (data/load-validation-volumes.ts). */
export interface PropagationVolumeSample {
  id: string;
  width: number;
  height: number;
  slices: readonly GrayImage[];
  scored: ReadonlySet<number>;
  objects: readonly { id: string; masks: ReadonlyMap<number, Uint8Array> }[];
}

/** ONNX files of one model version on local disk (manifest.json, encoder.onnx, decoder.onnx). */
export interface ExportedModelFiles {
  dir: string;
  manifestPath: string;
  encoderPath: string;
  decoderPath: string;
}

export interface BoxPrediction {
  /** Per output (index 0 single-mask, 1.. multimask): probabilities on the M x M grid over the crop. */
  cropProbabilities: Float32Array[];
  /** The IoU head's prediction for each output. */
  iouPredictions: number[];
  /** Full-resolution probabilities (image width x height) of one output. */
  fullResolution(outputIndex: number): Float32Array;
}

/** Tags to masks (WeakMedSAM, libs/model weak/): a tag classifier, then pseudo-masks. */
export interface TagPseudoMaskRequest {
  files: ExportedModelFiles;
  /** Images tagged 'present' or 'absent' the classification head learns from. */
  training: { image: GrayImage; present: boolean }[];
  /** Images tagged 'present' to make pseudo-masks for. */
  targets: GrayImage[];
  seed: number;
}

export interface TagPseudoMask {
  /** Union of the objects found, image width x height. */
  mask: Mask;
  /** P(present) x the prompted masks' predicted IoU (0..1). */
  confidence: number;
}

export interface Predictor {
  predictBox(image: GrayImage, box: Box): Promise<BoxPrediction>;
  /**
   * A lesion finder learned from human masks with this model (libs/model
   * trainLesionClassifierFromMasks: the bright-blob candidates of each masked image, labelled by
   * the masks, train a classifier of the candidates); null when the masks give it no positive or
   * no negative candidate.
   */
  trainLesionFinder(masked: readonly MaskedGrayImage[]): Promise<LesionFinder | null>;
  close(): Promise<void>;
}

/** A training image with its human masks (one per object). */
export interface MaskedGrayImage {
  image: GrayImage;
  objects: Mask[];
}

export interface LesionFinder {
  /** Boxes of the candidates scored lesion at or above `minScore`, most lesion-like first. */
  propose(image: GrayImage, minScore: number): Promise<Box[]>;
}

export interface ModelPort {
  /** The network config the trainer config maps to ('product' -> served size, 'tiny' -> tests). */
  configName(trainerConfig: 'product' | 'tiny'): string;
  createFresh(configName: string, seed: number): Promise<TrainableModel>;
  /** Weights (and optimizer state, when saved mid-run) from a safetensors checkpoint file. */
  loadCheckpoint(file: string): Promise<TrainableModel>;
  /** With optimizer state (to resume a run) unless `weightsOnly` (a version's final weights). */
  saveCheckpoint(
    model: TrainableModel,
    file: string,
    metadata?: Record<string, unknown>,
    options?: { weightsOnly?: boolean },
  ): Promise<void>;
  fineTune(request: FineTuneRequest): Promise<{ steps: number; finalLoss: number }>;
  pretrainMae(request: PretrainRequest): Promise<{ steps: number; finalLoss: number }>;
  exportOnnx(
    model: TrainableModel,
    outDir: string,
    options: { version: string; training?: Record<string, unknown> },
  ): Promise<ExportedModelFiles>;
  /** Simulated-annotator evaluation of exported files on held-out samples. */
  evaluate(
    files: ExportedModelFiles,
    samples: readonly TrainingSample[],
  ): Promise<EvaluationMetrics>;
  /**
   * One box on each held-out object's largest scored slice, the page's propagation through the
   * volume, volume Dice over the scored slices.
   */
  evaluatePropagation(
    files: ExportedModelFiles,
    volumes: readonly PropagationVolumeSample[],
  ): Promise<PropagationMetrics>;
  openPredictor(files: ExportedModelFiles): Promise<Predictor>;
  tagPseudoMasks(request: TagPseudoMaskRequest): Promise<TagPseudoMask[]>;
}
