/**
 * The model contract: the one place that names ONNX inputs/outputs, their shapes and the
 * manifest format. The exporter (Node), the trainer and the browser worker all import this
 * module, so nothing about the exported files is copied by hand between them.
 *
 * Browser-safe: no tfjs, no node: imports.
 */
import { z } from 'zod';

export const MODEL_FORMAT = 'loupe-mae-sam2@1';

/** encoder.onnx: image crop -> embeddings. */
export const ENCODER_INPUT = {
  /** 1 x C x S x S float32, already preprocessed (see preprocessing in the manifest). */
  image: 'image',
} as const;
export const ENCODER_OUTPUT = {
  /** 1 x D x H x W: the low-resolution image embedding the two-way transformer attends to. */
  imageEmbedding: 'image_embedding',
  /** 1 x D' x 2H x 2W: the neck's high-resolution features for the decoder's upsampling. */
  highResFeatures: 'high_res_features',
} as const;

/** decoder.onnx: embeddings + prompts -> masks and IoU predictions. */
export const DECODER_INPUT = {
  imageEmbedding: ENCODER_OUTPUT.imageEmbedding,
  highResFeatures: ENCODER_OUTPUT.highResFeatures,
  /** 1 x N x 2 float32, (x, y) in model-input pixels of the crop, 0..S. */
  pointCoords: 'point_coords',
  /** 1 x N float32 with SAM's codes: -1 padding, 0 negative, 1 positive, 2/3 box corners. */
  pointLabels: 'point_labels',
} as const;

/**
 * decoder.onnx's mask prompt, named as in SAM's ONNX export. Models exported before it existed
 * lack these two inputs; readers check `acceptsMaskPrompt` and run those without a mask prompt
 * (they keep working until the next promotion replaces them).
 */
export const DECODER_MASK_INPUT = {
  /** 1 x 1 x M x M float32: the object's previous low-resolution logits (DECODER_OUTPUT.masks,
   * the output that was shown) over the same crop; zeros when hasMaskInput is 0. */
  maskInput: 'mask_input',
  /** 1 float32: 1 when maskInput holds a previous mask, 0 for none (the no-mask embedding). */
  hasMaskInput: 'has_mask_input',
} as const;

/** Shapes of the mask-prompt inputs for a model with M x M mask logits. */
export function maskInputShapes(maskSize: number): { maskInput: number[]; hasMaskInput: number[] } {
  return { maskInput: [1, 1, maskSize, maskSize], hasMaskInput: [1] };
}

/** Whether a decoder (its input names, from the session or the manifest) takes a mask prompt. */
export function acceptsMaskPrompt(decoderInputNames: readonly string[]): boolean {
  return Object.values(DECODER_MASK_INPUT).every((n) => decoderInputNames.includes(n));
}
export const DECODER_OUTPUT = {
  /** 1 x 4 x M x M mask logits (M = manifest.maskSize) over the crop; index 0 is the
   * single-mask output, 1..3 the multimask outputs. */
  masks: 'masks',
  /** 1 x 4 predicted IoU per mask. */
  iouPredictions: 'iou_predictions',
} as const;

export const tensorSpecSchema = z.object({
  name: z.string(),
  /** Numbers are fixed sizes, strings name dynamic axes (e.g. "num_points"). */
  shape: z.array(z.union([z.number().int().positive(), z.string()])),
  dtype: z.literal('float32'),
});
export type TensorSpec = z.infer<typeof tensorSpecSchema>;

const onnxFileSchema = z.object({
  file: z.string(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  bytes: z.number().int().positive(),
  inputs: z.array(tensorSpecSchema),
  outputs: z.array(tensorSpecSchema),
});

export const manifestSchema = z.object({
  format: z.literal(MODEL_FORMAT),
  /** Human-readable version, e.g. "starter-1" or "<project>-v3". */
  version: z.string(),
  createdAt: z.string(),
  configName: z.string(),
  /** The full network config the files were built from. */
  config: z.record(z.string(), z.unknown()),
  /** Side S of the square model input. */
  inputSize: z.number().int().positive(),
  /** Side M of the mask logits; they cover the same crop as the input. */
  maskSize: z.number().int().positive(),
  /** Box-centred zoom-in crop (libs/prompts computeCrop uses these). */
  crop: z.object({
    /** Context added on each side, as a fraction of the box's longer side. */
    contextMargin: z.number().nonnegative(),
    /** Smallest crop side in image pixels, so tiny boxes keep some context. */
    minCropSize: z.number().positive(),
  }),
  preprocessing: z.object({
    /** Pixels are converted to one luminance channel before normalisation. */
    channels: z.literal(1),
    /** Per-crop z-score: (x - mean(crop)) / max(std(crop), eps), x in 0..1. */
    normalization: z.literal('per-crop-zscore'),
    eps: z.number().positive(),
    /** Resampling used to resize the crop to inputSize. */
    resize: z.literal('bilinear'),
  }),
  /** Logit threshold for a foreground pixel. */
  maskThreshold: z.number(),
  encoder: onnxFileSchema,
  decoder: onnxFileSchema,
  /** Optional training summary (labels seen, validation metrics). */
  training: z.record(z.string(), z.unknown()).optional(),
});
export type ModelManifest = z.infer<typeof manifestSchema>;

export class ManifestError extends Error {
  override name = 'ManifestError';
}

/** Parses and validates a manifest.json; the error names each offending field. */
export function parseManifest(json: unknown): ModelManifest {
  const result = manifestSchema.safeParse(json);
  if (!result.success) {
    const issues = result.error.issues
      .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
      .join('; ');
    throw new ManifestError(`invalid model manifest: ${issues}`);
  }
  return result.data;
}
