/**
 * Class activation maps (CAM) from the classification head: per grid cell the highest ReLU score
 * over the parent class and its sub-classes (each sub-class activates on its own pattern, see
 * sub-class-exploration.ts), divided by the image's maximum so that the map lies in 0..1. An image
 * the head finds no evidence in (every score <= 0) gets an all-zero map. Peaks of the map are the
 * points that prompt the segmenter (prompt-affinity-mining.ts).
 */
import type { Point } from '@loupe/prompts';
import { scoreMaps, type ClassificationHeadWeights } from './classification-head';
import type { FeatureGrid } from './feature-grid';

/** A map over the image on a regular grid: value of cell (x, y) at values[y * width + x]. */
export interface ActivationMap {
  width: number;
  height: number;
  /** Image pixels per cell side. */
  stride: number;
  values: Float32Array;
}

export function classActivationMap(
  weights: ClassificationHeadWeights,
  grid: FeatureGrid,
): ActivationMap {
  const maps = scoreMaps(weights, grid);
  const cells = grid.width * grid.height;
  const values = new Float32Array(cells);
  let max = 0;
  for (let i = 0; i < cells; i++) {
    let v = 0;
    for (const m of maps) v = Math.max(v, m[i] as number);
    values[i] = v;
    if (v > max) max = v;
  }
  if (max > 0) for (let i = 0; i < cells; i++) values[i] = (values[i] as number) / max;
  return { width: grid.width, height: grid.height, stride: grid.stride, values };
}

/**
 * Bilinear resampling onto a finer grid of `stride` image pixels per cell covering
 * imageWidth x imageHeight (cell centres sample the coarse map at their image position).
 */
export function resampleActivationMap(
  map: ActivationMap,
  stride: number,
  imageWidth: number,
  imageHeight: number,
): ActivationMap {
  const width = Math.ceil(imageWidth / stride);
  const height = Math.ceil(imageHeight / stride);
  const values = new Float32Array(width * height);
  const at = (x: number, y: number) =>
    map.values[
      Math.min(Math.max(y, 0), map.height - 1) * map.width + Math.min(Math.max(x, 0), map.width - 1)
    ] as number;
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const fx = ((x + 0.5) * stride) / map.stride - 0.5;
      const fy = ((y + 0.5) * stride) / map.stride - 0.5;
      const x0 = Math.floor(fx);
      const y0 = Math.floor(fy);
      const ax = fx - x0;
      const ay = fy - y0;
      values[y * width + x] =
        (1 - ay) * ((1 - ax) * at(x0, y0) + ax * at(x0 + 1, y0)) +
        ay * ((1 - ax) * at(x0, y0 + 1) + ax * at(x0 + 1, y0 + 1));
    }
  return { width, height, stride, values };
}

export interface ActivationPeak extends Point {
  /** The map's value there (0..1). */
  value: number;
}

/**
 * Local maxima of the map at or above minValue, strongest first, at least minDistance image
 * pixels apart (greedy non-maximum suppression); image-pixel coordinates of the cell centres.
 */
export function activationPeaks(
  map: ActivationMap,
  options: { minValue: number; minDistance: number; maxPeaks: number },
): ActivationPeak[] {
  const candidates: ActivationPeak[] = [];
  for (let y = 0; y < map.height; y++)
    for (let x = 0; x < map.width; x++) {
      const v = map.values[y * map.width + x] as number;
      if (v < options.minValue) continue;
      let isMax = true;
      for (let dy = -1; dy <= 1 && isMax; dy++)
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          const ny = y + dy;
          if ((dx || dy) && nx >= 0 && ny >= 0 && nx < map.width && ny < map.height)
            if ((map.values[ny * map.width + nx] as number) > v) {
              isMax = false;
              break;
            }
        }
      if (isMax)
        candidates.push({ x: (x + 0.5) * map.stride, y: (y + 0.5) * map.stride, value: v });
    }
  candidates.sort((a, b) => b.value - a.value);
  const peaks: ActivationPeak[] = [];
  for (const c of candidates) {
    if (peaks.length >= options.maxPeaks) break;
    if (peaks.every((p) => Math.hypot(p.x - c.x, p.y - c.y) >= options.minDistance)) peaks.push(c);
  }
  return peaks;
}
