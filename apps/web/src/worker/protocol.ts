/**
 * Messages between the annotate page and the inference worker. Browser-safe, no imports of
 * server code. Every prediction reports the model version that produced it, so the page (and the
 * events it records) never mixes versions.
 */
import type { ModelRef } from '@loupe/contracts';
import type {
  Box,
  ClickPrompt,
  CropTransform,
  MaskLogits,
  SliceOrigin,
  StopReason,
} from '@loupe/prompts';
import type { MaskRegion } from './mask-region';

// The model reference is the server's contract (@loupe/contracts); the worker takes it as is.
export type { ModelRef };

export type WorkerRequest =
  | { type: 'init'; preferWebGpu: boolean }
  | { type: 'loadModel'; requestId: number; model: ModelRef }
  | {
      type: 'setImage';
      requestId: number;
      imageId: string;
      width: number;
      height: number;
      bitDepth: number;
      pixels: ArrayBuffer;
    }
  | {
      type: 'predict';
      requestId: number;
      imageId: string;
      objectId: string;
      box: Box | null;
      clicks: ClickPrompt[];
      /**
       * Output (0..3) of the object's current proposal that the page shows, or null. When these
       * prompts add one click to that proposal's, its logits are the decoder's mask prompt.
       */
      shownOutput?: number | null;
      /**
       * Propagation: the previous slice's logits in that slice's crop. The worker moves them into
       * this prediction's crop (libs/prompts resampleLogits) as the decoder's mask prompt.
       */
      maskPrompt?: MaskLogits | null;
    }
  | { type: 'forgetObject'; objectId: string }
  /** A volume slice's samples, sent when the worker asks for it (needSlice). */
  | {
      type: 'putSlice';
      volumeId: string;
      slice: number;
      imageId: string;
      width: number;
      height: number;
      bitDepth: number;
      pixels: ArrayBuffer;
      /** Real units per sample (the contrast stop compares slices in real units). */
      valueSlope?: number;
    }
  /** The page could not fetch a slice the worker asked for. */
  | { type: 'sliceFailed'; volumeId: string; slice: number; error: string }
  /**
   * Encode slices ahead (while the page is idle) in the crop of `box`, the box propagation from
   * `from` would prompt the next slice with: forward first, then backward (the loop's order).
   * A newer plan replaces the old one; predictions and propagation always go first.
   */
  | { type: 'encodeAhead'; volumeId: string; depth: number; from: number; box: Box }
  | {
      type: 'propagate';
      requestId: number;
      volumeId: string;
      objectId: string;
      width: number;
      height: number;
      depth: number;
      from: number;
      /**
       * The object's slices: full masks for `from` and the slices the annotator made; the
       * propagated ones only by index and origin (empty data: the loop reads only where they are).
       */
      slices: { slice: number; origin: SliceOrigin; mask: Uint8Array }[];
      /** The logits of `from`'s mask (its prompted prediction), or null. */
      seedLogits: MaskLogits | null;
      /** `from`'s mask came from the worker's last propagation: use the logits kept there. */
      seedFromWorker: boolean;
    }
  | { type: 'cancelPropagation'; requestId: number };

/** What a propagation in the worker found (libs/prompts propagateVolume's result, made compact). */
export interface WorkerPropagationResult {
  requestId: number;
  objectId: string;
  modelVersionId: string;
  version: number;
  width: number;
  height: number;
  /** The chosen output's mask per new propagated slice, as its bounding-box region. */
  masks: { slice: number; region: MaskRegion }[];
  cleared: number[];
  stops: { direction: 1 | -1; reason: StopReason; slice: number }[];
  predictions: number;
  seedContrast: number | null;
  /** Slices whose embedding came from the cache (encoded ahead, or by an earlier run). */
  embeddingsReused: number;
  /** Slices encoded during this propagation. */
  embeddingsEncoded: number;
  timings: { totalMs: number; encoderMs: number; decoderMs: number; waitSliceMs: number };
}

export interface PredictionTimings {
  /** 0 when the crop embedding was reused (clicks on an existing proposal). */
  encoderMs: number;
  decoderMs: number;
  /** Crop + preprocessing + pasting the masks back. */
  otherMs: number;
  totalMs: number;
  /** Of decoderMs: pasting the masks into image pixels and forcing the clicks. */
  pasteMs?: number;
  /** Epoch ms (performance.timeOrigin + now, shared with the page): the worker got the request. */
  receivedAt?: number;
  /** Epoch ms: the worker posted the result. */
  postedAt?: number;
}

export interface PredictionResult {
  requestId: number;
  imageId: string;
  objectId: string;
  modelVersionId: string;
  version: number;
  width: number;
  height: number;
  /**
   * One 0/1 mask per decoder output (0 = single-mask, 1..3 = multimask), crop-sized: its bounding
   * box in image pixels and the pixels inside it (mask-region.ts); 0 everywhere else. Only the
   * output the page shows first (annotation-state defaultOutput) is here when the result is
   * posted; the others (null) come in the request's predictionOutputs messages, and the page's
   * InferenceClient fills them into this same array.
   */
  masks: (MaskRegion | null)[];
  /** Each output's M x M logits over `crop` (propagation's next mask prompt). */
  lowResLogits: Float32Array[];
  maskSize: number;
  crop: CropTransform;
  iouPredictions: number[];
  encoderReused: boolean;
  /** The decoder got the object's previous mask as prompt (false for a new box, after an undo,
   * or with a model exported before the mask prompt). */
  maskPrompt: boolean;
  timings: PredictionTimings;
  /** Page side: performance.now() when the page received this result (set by InferenceClient). */
  receivedAt?: number;
  /** Page side: settles once every entry of `masks` is filled (set by InferenceClient). */
  outputsReady?: Promise<void>;
}

export type WorkerResponse =
  | { type: 'ready'; backend: 'webgpu' | 'wasm'; threads: number; crossOriginIsolated: boolean }
  | { type: 'modelLoading'; requestId: number; model: ModelRef }
  | {
      type: 'modelReady';
      requestId: number;
      model: ModelRef;
      manifestVersion: string;
      loadMs: number;
      previousVersion: number | null;
    }
  | {
      type: 'modelFailed';
      requestId: number;
      model: ModelRef;
      error: string;
      keptVersion: number | null;
    }
  | { type: 'imageReady'; requestId: number; imageId: string }
  | { type: 'prediction'; result: PredictionResult }
  /** Outputs a prediction's result left out (null in its masks), posted one by one after it. */
  | {
      type: 'predictionOutputs';
      requestId: number;
      outputs: { index: number; region: MaskRegion }[];
    }
  /** The worker needs a volume slice's samples: answer with putSlice (or sliceFailed). */
  | { type: 'needSlice'; volumeId: string; slice: number }
  | { type: 'propagationProgress'; requestId: number; done: number; total: number; slice: number }
  | { type: 'propagated'; result: WorkerPropagationResult }
  /** One slice encoded ahead (how many the cache holds now). */
  | { type: 'encodedAhead'; volumeId: string; slice: number; cached: number; ms: number }
  | { type: 'error'; requestId: number; error: string };
