/**
 * Messages between the annotate page and the inference worker. Browser-safe, no imports of
 * server code. Every prediction reports the model version that produced it, so the page (and the
 * events it records) never mixes versions.
 */
import type { ModelRef } from '@loupe/contracts';
import type { Box, ClickPrompt, CropTransform, MaskLogits } from '@loupe/prompts';

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
  | { type: 'forgetObject'; objectId: string };

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
  /** One full-resolution 0/1 mask per decoder output: 0 = single-mask, 1..3 = multimask. */
  masks: Uint8Array[];
  /** Each mask's bounding box in image pixels (x1/y1 exclusive), null when empty. */
  maskBounds?: (Box | null)[];
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
  | { type: 'error'; requestId: number; error: string };
