/**
 * The image encoder's features over a whole image, as one grid (the input of the tag classifier
 * and of its class activation maps). The image is cut into non-overlapping S x S tiles at native
 * resolution (crop scale 1, no context margin: a tag says nothing about where the object is, so
 * every pixel is seen once), each tile z-scored with the whole image's statistics, then the encoder; the
 * tiles' features are laid side by side. One cell covers
 * stride = S / G2 image pixels.
 */
import { sampleCropBilinear } from '@loupe/prompts';
import { PREPROCESSING, normalizeCrop } from '../preprocess';
import type { SamPredictor } from '../inference/sam-predictor';

/** Features on a grid over the image: data[(y * width + x) * channels + c] (H x W x C). */
export interface FeatureGrid {
  width: number;
  height: number;
  channels: number;
  /** Image pixels per cell side. */
  stride: number;
  data: Float32Array;
}

export class FeatureGridError extends Error {
  override name = 'FeatureGridError';
}

/** The encoder part of a SamPredictor: what the grid needs (tests may pass a small fake-free stub). */
export type TileEncoder = Pick<SamPredictor, 'runEncoder' | 'manifest'>;

/**
 * Which encoder output the grid holds: the image embedding (stage 2, global attention, D
 * channels, stride S/G2), the high-resolution features (stage 1, windowed attention: more local,
 * D/4 channels, stride S/G1), or both (the embedding repeated onto the finer grid, concatenated).
 */
export type FeatureSource = 'embedding' | 'highRes' | 'both';

/** 'image-robust': median/MAD of the whole image (default); 'per-crop': THE model preprocessing. */
export type FeatureNormalization = 'image-robust' | 'per-crop';

export async function encodeFeatureGrid(
  encoder: TileEncoder,
  luminance: Float32Array,
  imageWidth: number,
  imageHeight: number,
  source: FeatureSource = 'both',
  normalization: FeatureNormalization = 'image-robust',
): Promise<FeatureGrid> {
  if (luminance.length !== imageWidth * imageHeight)
    throw new FeatureGridError(
      `luminance has ${luminance.length} values, expected ${imageWidth}x${imageHeight}`,
    );
  const tile = encoder.manifest.inputSize;
  // One robust z-score for the whole image (not THE per-crop one): a bright lesion would
  // otherwise shift the features of every cell of its tile, and the head would learn that.
  const { mean, std } = imageStatistics(luminance);
  const tilesX = Math.ceil(imageWidth / tile);
  const tilesY = Math.ceil(imageHeight / tile);
  let grid: FeatureGrid | null = null;
  for (let ty = 0; ty < tilesY; ty++)
    for (let tx = 0; tx < tilesX; tx++) {
      const crop = { x0: tx * tile, y0: ty * tile, size: tile, inputSize: tile, scale: 1 };
      const input = sampleCropBilinear(luminance, imageWidth, imageHeight, crop);
      if (normalization === 'per-crop') normalizeCrop(input);
      else for (let i = 0; i < input.length; i++) input[i] = ((input[i] as number) - mean) / std;
      const { imageEmbedding, highResFeatures } = await encoder.runEncoder(input);
      try {
        const [, dEmb, gEmb] = imageEmbedding.dims as [number, number, number, number];
        const [, dHigh, gHigh] = highResFeatures.dims as [number, number, number, number];
        const parts: { values: Float32Array; channels: number; side: number }[] = [];
        if (source !== 'highRes')
          parts.push({
            values: (await imageEmbedding.getData()) as Float32Array,
            channels: dEmb,
            side: gEmb,
          });
        if (source !== 'embedding')
          parts.push({
            values: (await highResFeatures.getData()) as Float32Array,
            channels: dHigh,
            side: gHigh,
          });
        const side = source === 'embedding' ? gEmb : gHigh;
        const channels = parts.reduce((n, p) => n + p.channels, 0);
        if (!grid) {
          const stride = tile / side;
          const width = Math.ceil(imageWidth / stride);
          const height = Math.ceil(imageHeight / stride);
          grid = {
            width,
            height,
            channels,
            stride,
            data: new Float32Array(width * height * channels),
          };
        }
        for (let y = 0; y < side; y++) {
          const gy = ty * side + y;
          if (gy >= grid.height) break;
          for (let x = 0; x < side; x++) {
            const gx = tx * side + x;
            if (gx >= grid.width) break;
            let out = (gy * grid.width + gx) * channels;
            for (const part of parts) {
              // A coarser part's cell covers several cells of the grid.
              const f = part.side / side;
              const px = Math.floor(x * f);
              const py = Math.floor(y * f);
              const plane = part.side * part.side;
              for (let c = 0; c < part.channels; c++)
                grid.data[out++] = part.values[c * plane + py * part.side + px] as number;
            }
          }
        }
      } finally {
        imageEmbedding.dispose();
        highResFeatures.dispose();
      }
    }
  if (!grid) throw new FeatureGridError('image has no pixels');
  return grid;
}

/** Median and 1.4826 x MAD: a lesion (a few % of the pixels) barely moves them, unlike mean/std. */
function imageStatistics(luminance: Float32Array): { mean: number; std: number } {
  const sorted = Float32Array.from(luminance).sort();
  const median = sorted[sorted.length >> 1] as number;
  const deviations = sorted.map((v) => Math.abs(v - median)).sort();
  const mad = 1.4826 * (deviations[deviations.length >> 1] as number);
  return { mean: median, std: Math.max(mad, PREPROCESSING.eps) };
}

/** Mean feature over the grid (the image-level feature sub-class exploration clusters). */
export function meanFeature(grid: FeatureGrid): Float32Array {
  const out = new Float32Array(grid.channels);
  const cells = grid.width * grid.height;
  for (let i = 0; i < cells; i++)
    for (let c = 0; c < grid.channels; c++)
      out[c] = (out[c] as number) + (grid.data[i * grid.channels + c] as number);
  for (let c = 0; c < grid.channels; c++) out[c] = (out[c] as number) / cells;
  return out;
}

/** Per-channel mean and standard deviation over every cell of the grids (std 1 where flat). */
export function featureChannelStatistics(grids: readonly FeatureGrid[], channels: number) {
  const sum = new Float64Array(channels);
  const sq = new Float64Array(channels);
  let n = 0;
  for (const g of grids)
    for (let i = 0; i < g.width * g.height; i++, n++)
      for (let c = 0; c < channels; c++) {
        const v = g.data[i * channels + c] as number;
        sum[c] = (sum[c] as number) + v;
        sq[c] = (sq[c] as number) + v * v;
      }
  const featureMean = new Float32Array(channels);
  const featureStd = new Float32Array(channels);
  for (let c = 0; c < channels; c++) {
    const m = (sum[c] as number) / n;
    featureMean[c] = m;
    featureStd[c] = Math.sqrt(Math.max((sq[c] as number) / n - m * m, 0)) || 1;
  }
  return { featureMean, featureStd };
}
