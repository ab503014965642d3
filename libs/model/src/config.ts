/**
 * Network sizes, as config objects (SAM2 keeps them in configs/*.yaml). Browser-safe.
 *
 * Shapes: input S x S (one luminance channel), patch P -> stage-1 grid G1 = S/P (windowed
 * attention), 2x2 patch merging -> stage-2 grid G2 = G1/2 (global attention). The image embedding
 * is G2 x G2 x decoderDim; the neck's high-resolution features are G1 x G1 x decoderDim/4; mask
 * logits are 4*G2 = 2*G1 on a side.
 */
import { z } from 'zod';

export const modelConfigSchema = z.object({
  name: z.string(),
  inputSize: z.number().int().positive(),
  patchSize: z.number().int().positive(),
  imageEncoder: z.object({
    stage1: z.object({
      dim: z.number().int().positive(),
      depth: z.number().int().positive(),
      heads: z.number().int().positive(),
      window: z.number().int().positive(),
    }),
    stage2: z.object({
      dim: z.number().int().positive(),
      depth: z.number().int().positive(),
      heads: z.number().int().positive(),
    }),
    mlpRatio: z.number().positive(),
  }),
  /** Channels of the image embedding and of every prompt/mask token. */
  decoderDim: z.number().int().positive(),
  twoWayTransformer: z.object({
    depth: z.number().int().positive(),
    heads: z.number().int().positive(),
    mlpDim: z.number().int().positive(),
    attentionDownsample: z.number().int().positive(),
  }),
  /** Multimask outputs besides the single-mask output (SAM: 3). */
  numMultimaskOutputs: z.number().int().positive(),
  iouHeadHiddenDim: z.number().int().positive(),
  /** Fraction of the box's longer side added as context on each side of the crop. */
  contextMargin: z.number().nonnegative(),
  minCropSize: z.number().positive(),
  normEps: z.number().positive(),
  /** Scale of the random Fourier features (SAM: 1.0). */
  positionEncodingScale: z.number().positive(),
});
export type ModelConfig = z.infer<typeof modelConfigSchema>;

/** For tests: a training step takes well under a second. */
export const TINY_CONFIG: ModelConfig = {
  name: 'tiny',
  inputSize: 32,
  patchSize: 4,
  imageEncoder: {
    stage1: { dim: 16, depth: 1, heads: 1, window: 4 },
    stage2: { dim: 32, depth: 1, heads: 2 },
    mlpRatio: 2,
  },
  decoderDim: 16,
  twoWayTransformer: { depth: 1, heads: 2, mlpDim: 32, attentionDownsample: 2 },
  numMultimaskOutputs: 3,
  iouHeadHiddenDim: 16,
  contextMargin: 0.5,
  minCropSize: 24,
  normEps: 1e-6,
  positionEncodingScale: 1,
};

/**
 * Product default: 128 px crops, stage 1 at 32x32 tokens with 8x8 windows, stage 2 at 16x16
 * global; sized for onnxruntime-web (1 wasm thread) encoder+decoder <= 50 ms, decoder <= 10 ms.
 */
export const BASE_CONFIG: ModelConfig = {
  name: 'base',
  inputSize: 128,
  patchSize: 4,
  imageEncoder: {
    stage1: { dim: 48, depth: 2, heads: 2, window: 8 },
    stage2: { dim: 96, depth: 2, heads: 4 },
    mlpRatio: 3,
  },
  decoderDim: 64,
  twoWayTransformer: { depth: 2, heads: 4, mlpDim: 256, attentionDownsample: 2 },
  numMultimaskOutputs: 3,
  iouHeadHiddenDim: 64,
  contextMargin: 0.5,
  minCropSize: 48,
  normEps: 1e-6,
  positionEncodingScale: 1,
};

export const MODEL_CONFIGS: Record<string, ModelConfig> = { tiny: TINY_CONFIG, base: BASE_CONFIG };

export interface DerivedSizes {
  /** Stage-1 token grid side (windowed attention). */
  grid1: number;
  /** Stage-2 token grid side = image embedding side. */
  grid2: number;
  highResDim: number;
  maskDim: number;
  maskSize: number;
  numMaskTokens: number;
  /** Channels of the mask-downscaling stack's hidden layers (SAM's mask_in_chans // 4, mask_in_chans). */
  maskInChannels: [number, number];
}

export class ModelConfigError extends Error {
  override name = 'ModelConfigError';
}

export function deriveSizes(config: ModelConfig): DerivedSizes {
  const grid1 = config.inputSize / config.patchSize;
  if (!Number.isInteger(grid1) || grid1 % 2 !== 0)
    throw new ModelConfigError(
      `inputSize ${config.inputSize} / patchSize ${config.patchSize} must be an even integer`,
    );
  if (grid1 % config.imageEncoder.stage1.window !== 0)
    throw new ModelConfigError(
      `stage-1 grid ${grid1} is not a multiple of window ${config.imageEncoder.stage1.window}`,
    );
  if (config.decoderDim % 8 !== 0)
    throw new ModelConfigError(`decoderDim ${config.decoderDim} must be a multiple of 8`);
  const grid2 = grid1 / 2;
  return {
    grid1,
    grid2,
    highResDim: config.decoderDim / 4,
    maskDim: config.decoderDim / 8,
    maskSize: grid2 * 4,
    numMaskTokens: config.numMultimaskOutputs + 1,
    maskInChannels: [4, 16],
  };
}
