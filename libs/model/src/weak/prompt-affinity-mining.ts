/**
 * Prompt affinity mining (WeakMedSAM, PAM): the CAM's peaks prompt the SAM-style segmenter as
 * positive points; the masks it returns say which pixels belong together. Two nodes of a grid are
 * affine when no prompted mask separates them (a = 1 - max over masks of |p_m(i) - p_m(j)|, so a
 * mask boundary between them gives ~0, two pixels inside the same mask or both outside every mask
 * give ~1). The CAM is then refined by a random walk on that affinity (AffinityNet's
 * T = D^-1 A^beta, cam <- T cam, t times): activation spreads inside a prompted object and stops
 * at its boundary, which the coarse CAM (one cell = 8 pixels) cannot draw.
 */
import type { ActivationMap, ActivationPeak } from './class-activation-map';

export interface PromptedMask {
  peak: ActivationPeak;
  /** Full-resolution probabilities (image width x height). */
  probabilities: Float32Array;
  /** The segmenter's predicted IoU of this mask. */
  iouPrediction: number;
}

/** Prompts the segmenter with one positive point; returns its mask over the whole image. */
export type PointPrompter = (
  peak: ActivationPeak,
) => Promise<{ probabilities: Float32Array; iouPrediction: number }>;

export async function minePromptedMasks(
  peaks: readonly ActivationPeak[],
  prompt: PointPrompter,
): Promise<PromptedMask[]> {
  const masks: PromptedMask[] = [];
  for (const peak of peaks) masks.push({ peak, ...(await prompt(peak)) });
  return masks;
}

/**
 * How two nodes' memberships in the prompted masks become their affinity:
 *  - 'boundary': 1 - the largest membership gap over the masks (any mask edge between them cuts);
 *  - 'co-membership': sum_m min(p_m(i), p_m(j)) / sum_m max(p_m(i), p_m(j)), the share of the
 *    masks holding either node that hold both (1 when neither lies in any mask): nested masks
 *    (a core and the larger object around it) stay partly affine.
 */
export type AffinityRule = 'boundary' | 'co-membership';

/** Sparse symmetric affinity between grid nodes within `radius` cells (self included). */
export interface AffinityGraph {
  width: number;
  height: number;
  stride: number;
  /** Neighbours of node i: neighbours[start[i] .. start[i+1]). */
  start: Int32Array;
  neighbours: Int32Array;
  /** a^beta per edge. */
  weights: Float32Array;
}

export interface AffinityOptions {
  /** Image pixels per node side. */
  stride: number;
  /** Neighbourhood radius in nodes. */
  radius: number;
  /** Sharpening exponent (AffinityNet: 8). */
  beta: number;
  /** Default 'boundary'. */
  rule?: AffinityRule;
}

export function promptAffinity(
  masks: readonly PromptedMask[],
  imageWidth: number,
  imageHeight: number,
  options: AffinityOptions,
): AffinityGraph {
  const { stride, radius, beta } = options;
  const coMembership = options.rule === 'co-membership';
  const width = Math.ceil(imageWidth / stride);
  const height = Math.ceil(imageHeight / stride);
  const nodes = width * height;
  for (const m of masks)
    if (m.probabilities.length !== imageWidth * imageHeight)
      throw new Error(
        `prompted mask has ${m.probabilities.length} values, expected ${imageWidth}x${imageHeight}`,
      );
  // Membership of each node (its centre pixel) in each prompted mask.
  const membership = masks.map((m) => {
    const out = new Float32Array(nodes);
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++) {
        const px = Math.min(imageWidth - 1, Math.floor((x + 0.5) * stride));
        const py = Math.min(imageHeight - 1, Math.floor((y + 0.5) * stride));
        out[y * width + x] = m.probabilities[py * imageWidth + px] as number;
      }
    return out;
  });
  const offsets: [number, number][] = [];
  for (let dy = -radius; dy <= radius; dy++)
    for (let dx = -radius; dx <= radius; dx++)
      if (dx * dx + dy * dy <= radius * radius) offsets.push([dx, dy]);
  const start = new Int32Array(nodes + 1);
  const neighbours = new Int32Array(nodes * offsets.length);
  const weights = new Float32Array(nodes * offsets.length);
  let e = 0;
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      start[i] = e;
      for (const [dx, dy] of offsets) {
        const nx = x + dx;
        const ny = y + dy;
        if (nx < 0 || ny < 0 || nx >= width || ny >= height) continue;
        const j = ny * width + nx;
        let affinity: number;
        if (coMembership) {
          let both = 0;
          let either = 0;
          for (const p of membership) {
            both += Math.min(p[i] as number, p[j] as number);
            either += Math.max(p[i] as number, p[j] as number);
          }
          affinity = either > 0 ? both / either : 1;
        } else {
          let gap = 0;
          for (const p of membership)
            gap = Math.max(gap, Math.abs((p[i] as number) - (p[j] as number)));
          affinity = 1 - gap;
        }
        neighbours[e] = j;
        weights[e] = affinity ** beta;
        e++;
      }
    }
  start[nodes] = e;
  return {
    width,
    height,
    stride,
    start,
    neighbours: neighbours.slice(0, e),
    weights: weights.slice(0, e),
  };
}

/** t steps of cam <- D^-1 A cam on the graph (the map must be on the graph's grid). */
export function randomWalkRefine(
  cam: ActivationMap,
  graph: AffinityGraph,
  iterations: number,
): ActivationMap {
  if (cam.width !== graph.width || cam.height !== graph.height)
    throw new Error(
      `CAM is ${cam.width}x${cam.height}, the affinity graph ${graph.width}x${graph.height}`,
    );
  const nodes = cam.width * cam.height;
  let current = Float32Array.from(cam.values);
  let next = new Float32Array(nodes);
  for (let t = 0; t < iterations; t++) {
    for (let i = 0; i < nodes; i++) {
      let sum = 0;
      let degree = 0;
      for (let e = graph.start[i] as number; e < (graph.start[i + 1] as number); e++) {
        const w = graph.weights[e] as number;
        sum += w * (current[graph.neighbours[e] as number] as number);
        degree += w;
      }
      next[i] = degree > 0 ? sum / degree : (current[i] as number);
    }
    [current, next] = [next, current];
  }
  return { ...cam, values: current };
}
