/**
 * Negative bank: what the images tagged 'absent' teach about where nothing is. Every cell feature
 * of the absent images (feature-grid.ts; standardised per channel) goes into a bank; a cell of a
 * new image is as novel as its distance to the nearest bank feature (PatchCore-style nearest
 * neighbour). Lesions are what absent images never show, while vessels, the optic disc and the
 * field-of-view border are in both, so novelty is high on lesions and low on the anatomy that
 * co-occurs with them (the co-occurrence a classifier trained on few tags learns instead).
 *
 * Calibration: the absent images are split; the cells of the held-back ones are scored against
 * the bank of the others, and the `quantile` of those scores is the threshold (what an absent
 * image's own cells reach). The activation map is novelty / threshold - 1, clipped to 0..1 at
 * `span` (so 0 at the threshold, 1 at (1 + span) x it): zero wherever an absent image could be.
 */
import { createRng } from '../ops/seeded-random';
import type { ActivationMap } from './class-activation-map';
import { featureChannelStatistics, type FeatureGrid } from './feature-grid';

export interface NegativeBank {
  channels: number;
  /** Bank features, N x C, standardised. */
  features: Float32Array;
  size: number;
  featureMean: Float32Array;
  featureStd: Float32Array;
  /** Novelty an absent image's cell reaches at the calibration quantile. */
  threshold: number;
}

export interface NegativeBankOptions {
  /** Most bank features kept (a seeded random subset; the search is O(cells x size x C)). */
  maxSize: number;
  /** Share of the absent images held back to calibrate the threshold. */
  calibrationShare: number;
  /** Quantile of the held-back cells' novelty that becomes the threshold. */
  quantile: number;
  seed: number;
}

export const DEFAULT_NEGATIVE_BANK: NegativeBankOptions = {
  maxSize: 4096,
  calibrationShare: 0.25,
  quantile: 0.995,
  seed: 15,
};

export class NegativeBankError extends Error {
  override name = 'NegativeBankError';
}

/** Distance of each cell of the grid to its nearest bank feature (cells, row-major). */
function nearestDistances(
  grid: FeatureGrid,
  bank: Pick<NegativeBank, 'features' | 'size' | 'featureMean' | 'featureStd' | 'channels'>,
): Float32Array {
  const { channels } = bank;
  if (grid.channels !== channels)
    throw new NegativeBankError(
      `feature grid has ${grid.channels} channels, the bank was built from ${channels}`,
    );
  const cells = grid.width * grid.height;
  const out = new Float32Array(cells);
  const x = new Float32Array(channels);
  for (let i = 0; i < cells; i++) {
    for (let c = 0; c < channels; c++)
      x[c] =
        ((grid.data[i * channels + c] as number) - (bank.featureMean[c] as number)) /
        (bank.featureStd[c] as number);
    let best = Infinity;
    for (let j = 0; j < bank.size; j++) {
      let d = 0;
      const base = j * channels;
      for (let c = 0; c < channels && d < best; c++) {
        const diff = (x[c] as number) - (bank.features[base + c] as number);
        d += diff * diff;
      }
      if (d < best) best = d;
    }
    out[i] = Math.sqrt(best);
  }
  return out;
}

function sampleBank(
  grids: readonly FeatureGrid[],
  channels: number,
  mean: Float32Array,
  std: Float32Array,
  maxSize: number,
  rng: ReturnType<typeof createRng>,
): { features: Float32Array; size: number } {
  const total = grids.reduce((n, g) => n + g.width * g.height, 0);
  const picks = Array.from({ length: total }, (_, i) => i);
  for (let i = picks.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [picks[i], picks[j]] = [picks[j] as number, picks[i] as number];
  }
  const size = Math.min(maxSize, total);
  const chosen = picks.slice(0, size).sort((a, b) => a - b);
  const features = new Float32Array(size * channels);
  let g = 0;
  let offset = 0;
  chosen.forEach((index, k) => {
    while (index >= offset + (grids[g] as FeatureGrid).width * (grids[g] as FeatureGrid).height) {
      offset += (grids[g] as FeatureGrid).width * (grids[g] as FeatureGrid).height;
      g++;
    }
    const grid = grids[g] as FeatureGrid;
    const cell = index - offset;
    for (let c = 0; c < channels; c++)
      features[k * channels + c] =
        ((grid.data[cell * channels + c] as number) - (mean[c] as number)) / (std[c] as number);
  });
  return { features, size };
}

/** Builds the bank from the feature grids of images tagged 'absent' (at least two). */
export function buildNegativeBank(
  absent: readonly FeatureGrid[],
  options: NegativeBankOptions = DEFAULT_NEGATIVE_BANK,
): NegativeBank {
  if (absent.length < 2)
    throw new NegativeBankError(
      `need at least 2 images tagged 'absent' (one to build, one to calibrate), got ${absent.length}`,
    );
  const channels = (absent[0] as FeatureGrid).channels;
  if (absent.some((g) => g.channels !== channels))
    throw new NegativeBankError('feature grids differ in channels');
  const rng = createRng(options.seed);
  const order = absent.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  const held = Math.min(
    absent.length - 1,
    Math.max(1, Math.round(options.calibrationShare * absent.length)),
  );
  const calibration = order.slice(0, held).map((i) => absent[i] as FeatureGrid);
  const build = order.slice(held).map((i) => absent[i] as FeatureGrid);
  const { featureMean, featureStd } = featureChannelStatistics(absent, channels);
  const partial = {
    channels,
    featureMean,
    featureStd,
    ...sampleBank(build, channels, featureMean, featureStd, options.maxSize, rng),
  };
  const scores: number[] = [];
  for (const g of calibration) for (const d of nearestDistances(g, partial)) scores.push(d);
  scores.sort((a, b) => a - b);
  const threshold =
    scores[Math.min(scores.length - 1, Math.floor(options.quantile * scores.length))] ?? 0;
  // The final bank holds every absent image (the threshold was measured on a smaller one, so it
  // is a little high: conservative).
  return {
    channels,
    featureMean,
    featureStd,
    ...sampleBank(absent, channels, featureMean, featureStd, options.maxSize, rng),
    threshold: Math.max(threshold, 1e-6),
  };
}

/** Novelty map of a grid: 0 at or below the bank's threshold, 1 at (1 + span) x threshold. */
export function noveltyMap(bank: NegativeBank, grid: FeatureGrid, span = 0.5): ActivationMap {
  const distances = nearestDistances(grid, bank);
  const values = new Float32Array(distances.length);
  for (let i = 0; i < values.length; i++)
    values[i] = Math.min(1, Math.max(0, ((distances[i] as number) / bank.threshold - 1) / span));
  return { width: grid.width, height: grid.height, stride: grid.stride, values };
}
