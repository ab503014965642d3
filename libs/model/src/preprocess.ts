/**
 * Pre-processing, ONE definition used by training, evaluation and the browser worker (browser-safe).
 * Pixels -> one luminance channel in 0..1 -> box-centred crop resized (bilinear) to S x S ->
 * per-crop z-score. The manifest's `preprocessing` block records these parameters.
 */
import { computeCrop, sampleCropBilinear, type Box, type CropTransform } from '@loupe/prompts';

export const PREPROCESSING = {
  channels: 1,
  normalization: 'per-crop-zscore',
  eps: 1e-3,
  resize: 'bilinear',
} as const;

/** Image samples: 8-bit (Uint8Array, Uint8ClampedArray), 16-bit (Uint16Array) or luminance 0..1. */
export type PixelSamples = Uint8Array | Uint8ClampedArray | Uint16Array | Float32Array;

/**
 * THE pixel scaling: luminance in 0..1 from gray (channels = 1), gray+alpha (2), RGB (3) or RGBA
 * (4) samples; 8-bit samples are divided by 255, 16-bit ones by 65535, a Float32Array is taken as
 * already in 0..1. The trainer (decoded PNGs) and the browser worker (raw image samples) both
 * start here.
 */
export function toLuminance(
  pixels: PixelSamples,
  width: number,
  height: number,
  channels: 1 | 2 | 3 | 4 = 1,
): Float32Array {
  const n = width * height;
  if (pixels.length !== n * channels)
    throw new Error(
      `pixels: expected ${n * channels} values for ${width}x${height}x${channels}, got ${pixels.length}`,
    );
  const out = new Float32Array(n);
  const max = pixels instanceof Float32Array ? 1 : pixels instanceof Uint16Array ? 65535 : 255;
  if (channels <= 2) {
    for (let i = 0; i < n; i++) out[i] = (pixels[i * channels] as number) / max;
  } else {
    for (let i = 0; i < n; i++) {
      const r = pixels[i * channels] as number;
      const g = pixels[i * channels + 1] as number;
      const b = pixels[i * channels + 2] as number;
      out[i] = (0.299 * r + 0.587 * g + 0.114 * b) / max;
    }
  }
  return out;
}

/** In place: (x - mean) / max(std, eps) over the whole crop. Returns the same array. */
export function normalizeCrop(crop: Float32Array, eps: number = PREPROCESSING.eps): Float32Array {
  let sum = 0;
  for (let i = 0; i < crop.length; i++) sum += crop[i] as number;
  const mean = sum / crop.length;
  let sq = 0;
  for (let i = 0; i < crop.length; i++) sq += ((crop[i] as number) - mean) ** 2;
  const inv = 1 / Math.max(Math.sqrt(sq / crop.length), eps);
  for (let i = 0; i < crop.length; i++) crop[i] = ((crop[i] as number) - mean) * inv;
  return crop;
}

export interface CropGeometry {
  inputSize: number;
  contextMargin: number;
  minCropSize: number;
  eps?: number;
}

/**
 * THE pre-processing: box-centred square crop with context (libs/prompts computeCrop), bilinear
 * resize to inputSize (outside the image = 0), per-crop z-score. Returns the model input
 * (inputSize^2 floats, row-major, = 1 x 1 x S x S) and the crop transform for prompts and pasting.
 */
export function preprocessCrop(
  luminance: Float32Array,
  width: number,
  height: number,
  box: Box,
  geometry: CropGeometry,
): { crop: CropTransform; input: Float32Array } {
  const crop = computeCrop(box, { width, height }, geometry);
  const input = normalizeCrop(
    sampleCropBilinear(luminance, width, height, crop),
    geometry.eps ?? PREPROCESSING.eps,
  );
  return { crop, input };
}
