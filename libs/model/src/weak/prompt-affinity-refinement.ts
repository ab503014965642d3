/**
 * Prompt affinity refinement for the 'candidates' activation (WeakMedSAM's PAM, issue #15): the
 * bright-blob peaks prompted the segmenter (tags-to-masks.ts mineBlobCandidates) and the
 * candidate classifier scored each prompted mask. Its activation map ("CAM") paints each score on
 * its mask (a node takes the strongest score x membership over the masks). The prompted masks
 * also give the affinity between nodes (prompt-affinity-mining.ts promptAffinity), and a few
 * random-walk steps (cam <- D^-1 A^beta cam, AffinityNet) move activation along it: inside a
 * prompted object it evens out, across a cut edge it does not pass, and with the 'co-membership'
 * rule it partly flows into masks nested around or inside a strong one. The pseudo-mask is the
 * prompted pixels whose refined activation reaches level x min(candidateMinScore, the refined
 * map's best prompted pixel): at level 1 with 'boundary' affinity this is nearly the plain rule
 * (candidates at or above the threshold, and the best one), so the walk's effect is measured
 * against it.
 */
import type { ActivationMap } from './class-activation-map';
import {
  promptAffinity,
  randomWalkRefine,
  type AffinityRule,
  type PromptedMask,
} from './prompt-affinity-mining';

export interface CandidateWalkOptions {
  /** Image pixels per node side, neighbourhood radius (nodes), sharpening exponent, steps. */
  stride: number;
  radius: number;
  beta: number;
  iterations: number;
  rule: AffinityRule;
  /** Share of min(candidateMinScore, the refined best) a pixel's refined activation needs. */
  level: number;
}

export interface RefinedCandidates {
  /** 0/1, image width x height. */
  mask: Uint8Array;
  /** Mean refined activation of the kept pixels x mean predicted IoU of the masks mostly kept. */
  confidence: number;
  /** Prompted masks with at least half their pixels in the pseudo-mask. */
  masksKept: number;
  cam: ActivationMap;
  refined: ActivationMap;
}

/** The candidate classifier's map on the walk grid: per node max over masks of score x membership. */
export function candidateActivationMap(
  prompted: readonly PromptedMask[],
  scores: readonly number[],
  imageWidth: number,
  imageHeight: number,
  stride: number,
): ActivationMap {
  const width = Math.ceil(imageWidth / stride);
  const height = Math.ceil(imageHeight / stride);
  const values = new Float32Array(width * height);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const px = Math.min(imageWidth - 1, Math.floor((x + 0.5) * stride));
      const py = Math.min(imageHeight - 1, Math.floor((y + 0.5) * stride));
      let v = 0;
      prompted.forEach((m, k) => {
        v = Math.max(v, (scores[k] as number) * (m.probabilities[py * imageWidth + px] as number));
      });
      values[y * width + x] = v;
    }
  return { width, height, stride, values };
}

/**
 * The refined map at each pixel: bilinear over the (up to 4) surrounding nodes that lie in the
 * same prompted masks as the pixel, so a mask edge stays where the segmenter drew it rather than
 * blurred by the coarser node grid; the pixel's own node where none does.
 */
function pixelActivation(
  map: ActivationMap,
  prompted: readonly PromptedMask[],
  imageWidth: number,
  imageHeight: number,
): Float32Array {
  const s = map.stride;
  // Which masks hold a pixel, as bits (exact in a double for up to 52 masks; maxPeaks is 10).
  const signature = (px: number, py: number) => {
    let bits = 0;
    prompted.forEach((m, k) => {
      if ((m.probabilities[py * imageWidth + px] as number) > 0.5) bits += 2 ** k;
    });
    return bits;
  };
  const nodeSignature = new Float64Array(map.width * map.height);
  for (let y = 0; y < map.height; y++)
    for (let x = 0; x < map.width; x++)
      nodeSignature[y * map.width + x] = signature(
        Math.min(imageWidth - 1, Math.floor((x + 0.5) * s)),
        Math.min(imageHeight - 1, Math.floor((y + 0.5) * s)),
      );
  const out = new Float32Array(imageWidth * imageHeight);
  for (let py = 0; py < imageHeight; py++)
    for (let px = 0; px < imageWidth; px++) {
      const own = signature(px, py);
      const fx = (px + 0.5) / s - 0.5;
      const fy = (py + 0.5) / s - 0.5;
      const x0 = Math.floor(fx);
      const y0 = Math.floor(fy);
      let sum = 0;
      let weight = 0;
      for (const [nx, wx] of [
        [x0, 1 - (fx - x0)],
        [x0 + 1, fx - x0],
      ] as const)
        for (const [ny, wy] of [
          [y0, 1 - (fy - y0)],
          [y0 + 1, fy - y0],
        ] as const) {
          if (nx < 0 || ny < 0 || nx >= map.width || ny >= map.height) continue;
          const node = ny * map.width + nx;
          if (nodeSignature[node] !== own || wx * wy === 0) continue;
          sum += wx * wy * (map.values[node] as number);
          weight += wx * wy;
        }
      const ownNode =
        Math.min(map.height - 1, Math.floor(py / s)) * map.width +
        Math.min(map.width - 1, Math.floor(px / s));
      out[py * imageWidth + px] = weight > 0 ? sum / weight : (map.values[ownNode] as number);
    }
  return out;
}

export function refineCandidatesByAffinity(
  prompted: readonly PromptedMask[],
  scores: readonly number[],
  imageWidth: number,
  imageHeight: number,
  minScore: number,
  options: CandidateWalkOptions,
): RefinedCandidates {
  if (scores.length !== prompted.length)
    throw new Error(`${scores.length} scores for ${prompted.length} prompted masks`);
  const cam = candidateActivationMap(prompted, scores, imageWidth, imageHeight, options.stride);
  const graph = promptAffinity(prompted, imageWidth, imageHeight, options);
  const refined = randomWalkRefine(cam, graph, options.iterations);
  const pixels = pixelActivation(refined, prompted, imageWidth, imageHeight);
  const inPrompted = new Uint8Array(imageWidth * imageHeight);
  for (const m of prompted)
    for (let i = 0; i < inPrompted.length; i++)
      if ((m.probabilities[i] as number) > 0.5) inPrompted[i] = 1;
  // The walk averages a strong mask with the weak ones it is affine to: the threshold follows
  // the refined map's best prompted pixel (the best score itself where nothing mixed).
  let top = 0;
  for (let i = 0; i < inPrompted.length; i++)
    if (inPrompted[i]) top = Math.max(top, pixels[i] as number);
  // A hair below the level so that a mask's own (evened-out) score passes at level 1.
  const threshold = options.level * Math.min(minScore, top) * (1 - 1e-4);
  const mask = new Uint8Array(imageWidth * imageHeight);
  let activation = 0;
  let kept = 0;
  if (top > 0)
    for (let i = 0; i < mask.length; i++) {
      if (!inPrompted[i] || (pixels[i] as number) < threshold) continue;
      mask[i] = 1;
      activation += pixels[i] as number;
      kept++;
    }
  const ious: number[] = [];
  for (const m of prompted) {
    let area = 0;
    let inside = 0;
    for (let i = 0; i < mask.length; i++)
      if ((m.probabilities[i] as number) > 0.5) {
        area++;
        inside += mask[i] as number;
      }
    if (area > 0 && inside >= area / 2) ious.push(Math.min(Math.max(m.iouPrediction, 0), 1));
  }
  const meanIou = ious.length ? ious.reduce((a, b) => a + b, 0) / ious.length : 0;
  return {
    mask,
    confidence: kept ? Math.min(1, activation / kept) * meanIou : 0,
    masksKept: ious.length,
    cam,
    refined,
  };
}
