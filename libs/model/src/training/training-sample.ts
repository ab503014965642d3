/**
 * Turns a labelled image into one training example as the annotator would prompt it: a jittered
 * box around the object (SAM: noise ~10 % of the box side), the box-centred crop through THE
 * pre-processing, and the target mask resampled to the decoder's mask grid over the same crop.
 */
import {
  boxFromMask,
  dilatedBox,
  promptsToModelInputs,
  sampleCropBilinear,
  type Box,
  type CropTransform,
  type Mask,
} from '@loupe/prompts';
import type { ModelConfig } from '../config';
import { deriveSizes } from '../config';
import { preprocessCrop, toLuminance } from '../preprocess';
import type { Rng } from '../ops/seeded-random';
import { pairwiseAffinity, type PairwiseAffinityOptions } from './box-supervised-loss';

export interface FineTuneSample {
  /** 8-bit gray pixels, or luminance 0..1 as Float32Array. */
  image: Float32Array | Uint8Array;
  width: number;
  height: number;
  /**
   * The object to segment (one object per sample). An empty mask is a negative sample (an image
   * tagged 'absent'): a box drawn somewhere in the image, and the target says nothing is there.
   */
  mask: Mask;
  /** Loss weight (pseudo-label confidence); default 1. */
  weight?: number;
  /**
   * Volume slices only: the same object's accepted mask on an adjacent slice (same size as the
   * image). Fine-tuning then also trains the propagation step from it to this slice.
   */
  neighbourMask?: Mask;
  /**
   * 'box': only a box is known (a box weak label); `mask` is that box filled (maskFromBox)
   * and the sample trains with BoxInst's box-supervised loss (box-supervised-loss.ts), not as a
   * mask. Default 'mask'.
   */
  supervision?: 'mask' | 'box';
}

export interface PreparedExample {
  input: Float32Array;
  /** M*M, 0/1 (softTarget: the share of each cell covered, 0..1) */
  target: Float32Array;
  /** Box corners in model pixels, labels 2/3. */
  coords: Float32Array;
  labels: Float32Array;
  crop: CropTransform;
  box: Box;
  weight: number;
  /** Box-supervised (FineTuneSample.supervision 'box'): target is the box filled. */
  boxSupervised?: boolean;
  /** Box-supervised only: the pairs the pairwise term supervises (pairwiseAffinity). */
  affinity?: Float32Array;
}

/** A propagation round's example: prompted as propagateVolume prompts the next slice. */
export interface PropagationExample {
  input: Float32Array;
  /** M*M, 0/1: this slice's mask. */
  target: Float32Array;
  coords: Float32Array;
  labels: Float32Array;
  /** M*M mask-prompt logits: the neighbour's mask in this crop. */
  maskInput: Float32Array;
  crop: CropTransform;
  box: Box;
  weight: number;
}

/**
 * Logit magnitude of an accepted neighbour mask as a mask prompt: a painted or accepted mask has
 * no model logits, so its pixels become confident logits (sigmoid(10) ~ 0.99995).
 */
export const NEIGHBOUR_MASK_LOGIT = 10;

const luminanceCache = new WeakMap<object, Float32Array>();

export function luminanceOf(sample: {
  image: Float32Array | Uint8Array;
  width: number;
  height: number;
}): Float32Array {
  let lum = luminanceCache.get(sample.image);
  if (!lum) {
    lum = toLuminance(sample.image, sample.width, sample.height, 1);
    luminanceCache.set(sample.image, lum);
  }
  return lum;
}

/** Mask resampled onto the crop's M x M grid (bilinear, then >= 0.5). */
export function targetOnCrop(mask: Mask, crop: CropTransform, maskSize: number): Float32Array {
  const sampled = sampleCropBilinear(mask.data, mask.width, mask.height, {
    ...crop,
    inputSize: maskSize,
    scale: maskSize / crop.size,
  });
  for (let i = 0; i < sampled.length; i++) sampled[i] = (sampled[i] as number) >= 0.5 ? 1 : 0;
  return sampled;
}

/**
 * Mask as the share of each M x M grid cell it covers (0..1; supersampled `factor` x `factor`
 * per cell, bilinear). A soft target: the model learns logits whose 0-crossing, upsampled to full
 * resolution, lies where the boundary is inside a cell, not on the cell grid (#13: the grid's
 * binary target caps the IoU of small objects pasted back).
 */
export function softTargetOnCrop(
  mask: Mask,
  crop: CropTransform,
  maskSize: number,
  factor = 4,
): Float32Array {
  const fine = maskSize * factor;
  const sampled = sampleCropBilinear(mask.data, mask.width, mask.height, {
    ...crop,
    inputSize: fine,
    scale: fine / crop.size,
  });
  const out = new Float32Array(maskSize * maskSize);
  for (let y = 0; y < fine; y++)
    for (let x = 0; x < fine; x++) {
      const cell = Math.floor(y / factor) * maskSize + Math.floor(x / factor);
      out[cell] = (out[cell] as number) + Math.min(1, Math.max(0, sampled[y * fine + x] as number));
    }
  const perCell = factor * factor;
  for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) / perCell;
  return out;
}

/**
 * Box of a negative sample: a square of 8-30 % of the shorter image side at a random place (the
 * image centre, a quarter of the side, without an rng), as an annotator would box a false alarm.
 */
export function emptySampleBox(width: number, height: number, rng: Rng | null): Box {
  const shorter = Math.min(width, height);
  const side = Math.max(2, Math.round((rng ? rng.range(0.08, 0.3) : 0.25) * shorter));
  const x0 = rng ? rng.range(0, width - side) : (width - side) / 2;
  const y0 = rng ? rng.range(0, height - side) : (height - side) / 2;
  return { x0, y0, x1: x0 + side, y1: y0 + side };
}

/**
 * Empty (negative) samples a run keeps at most, per sample with a lesion. A round with few masks
 * and many 'absent' images otherwise learns to answer every box with nothing: bench:weak's new
 * domain, 3 masks beside 12 empty images, test Dice 0.013 (pool seed 22, stop 29). Weights cannot
 * do this: the loss is a weighted mean per batch, so a batch of empty samples counts in full.
 */
export const MAX_EMPTY_PER_LESION = 0.25;

/**
 * The samples with at most `maxPerLesion` empty ones per lesion sample (at least one kept), the
 * kept ones spread evenly over the given order. Without any lesion sample nothing changes (the
 * caller decides whether such a run makes sense).
 */
export function capEmptySamples<T extends FineTuneSample>(
  samples: readonly T[],
  maxPerLesion = MAX_EMPTY_PER_LESION,
): T[] {
  const lesions = samples.filter((s) => hasPixels(s.mask)).length;
  const empty = samples.length - lesions;
  const keep = Math.max(1, Math.floor(maxPerLesion * lesions));
  if (lesions === 0 || empty <= keep) return [...samples];
  let seen = 0;
  let kept = 0;
  return samples.filter((s) => {
    if (hasPixels(s.mask)) return true;
    // Keep the empty sample whose even share of `keep` crosses the next whole number.
    seen++;
    if (Math.floor((seen * keep) / empty) > kept) {
      kept++;
      return true;
    }
    return false;
  });
}

function hasPixels(mask: Mask): boolean {
  for (const v of mask.data) if (v) return true;
  return false;
}

function sampleBox(sample: FineTuneSample, rng: Rng | null, jitter: number): Box {
  if (!hasPixels(sample.mask)) return emptySampleBox(sample.width, sample.height, rng);
  const tight = boxFromMask(sample.mask);
  const side = Math.max(tight.x1 - tight.x0, tight.y1 - tight.y0);
  const jitterPx = rng ? Math.min(20, Math.round(jitter * side)) : 0;
  return jitterPx > 0 && rng
    ? boxFromMask(sample.mask, { jitterPx, rng: () => rng.next() })
    : tight;
}

export function prepareExample(
  sample: FineTuneSample,
  config: ModelConfig,
  rng: Rng | null,
  options: {
    jitter?: number;
    flip?: boolean;
    softTarget?: boolean;
    affinity?: PairwiseAffinityOptions;
  } = {},
): PreparedExample {
  const { maskSize } = deriveSizes(config);
  const box = sampleBox(sample, rng, options.jitter ?? 0.1);
  const { crop, input } = preprocessCrop(luminanceOf(sample), sample.width, sample.height, box, {
    inputSize: config.inputSize,
    contextMargin: config.contextMargin,
    minCropSize: config.minCropSize,
  });
  const boxSupervised = sample.supervision === 'box';
  const target =
    options.softTarget && !boxSupervised
      ? softTargetOnCrop(sample.mask, crop, maskSize)
      : targetOnCrop(sample.mask, crop, maskSize);
  const { coords, labels } = promptsToModelInputs(box, [], crop);
  const example: PreparedExample = {
    input,
    target,
    coords,
    labels,
    crop,
    box,
    weight: sample.weight ?? 1,
  };
  if (options.flip && rng) {
    if (rng.next() < 0.5) flipExample(example, config.inputSize, maskSize, 'x');
    if (rng.next() < 0.5) flipExample(example, config.inputSize, maskSize, 'y');
  }
  if (boxSupervised) {
    example.boxSupervised = true;
    example.affinity = pairwiseAffinity(
      example.input,
      config.inputSize,
      example.target,
      maskSize,
      options.affinity,
    );
  }
  return example;
}

/** A mask on the crop's M x M grid as mask-prompt logits: bilinear coverage p -> (2p - 1) * logit. */
export function maskPromptLogits(
  mask: Mask,
  crop: CropTransform,
  maskSize: number,
  logit = NEIGHBOUR_MASK_LOGIT,
): Float32Array {
  const sampled = sampleCropBilinear(mask.data, mask.width, mask.height, {
    ...crop,
    inputSize: maskSize,
    scale: maskSize / crop.size,
  });
  for (let i = 0; i < sampled.length; i++)
    sampled[i] = (2 * Math.min(1, Math.max(0, sampled[i] as number)) - 1) * logit;
  return sampled;
}

/**
 * The propagation round of a volume slice (null without a non-empty neighbour mask): the box is
 * the neighbour's box shrunk/grown as propagateVolume's defaults do, the crop is cut around it,
 * the mask prompt is the neighbour's mask in that crop, the target this slice's mask. No rng, so
 * samples without a neighbour draw exactly as before; no jitter or flip (propagation has none).
 */
export function preparePropagationExample(
  sample: FineTuneSample,
  config: ModelConfig,
): PropagationExample | null {
  const neighbour = sample.neighbourMask;
  if (!neighbour) return null;
  if (neighbour.width !== sample.width || neighbour.height !== sample.height)
    throw new Error(
      `neighbourMask is ${neighbour.width}x${neighbour.height}, the image ${sample.width}x${sample.height}`,
    );
  const box = dilatedBox(neighbour);
  if (!box) return null;
  const { maskSize } = deriveSizes(config);
  const { crop, input } = preprocessCrop(luminanceOf(sample), sample.width, sample.height, box, {
    inputSize: config.inputSize,
    contextMargin: config.contextMargin,
    minCropSize: config.minCropSize,
  });
  const { coords, labels } = promptsToModelInputs(box, [], crop);
  return {
    input,
    target: targetOnCrop(sample.mask, crop, maskSize),
    coords,
    labels,
    maskInput: maskPromptLogits(neighbour, crop, maskSize),
    crop,
    box,
    weight: sample.weight ?? 1,
  };
}

/** Mirror augmentation of input, target and prompts together (box corners stay top-left/bottom-right). */
function flipExample(e: PreparedExample, s: number, m: number, axis: 'x' | 'y'): void {
  const flip = (a: Float32Array, n: number) => {
    const out = new Float32Array(a.length);
    for (let y = 0; y < n; y++)
      for (let x = 0; x < n; x++)
        out[y * n + x] = a[axis === 'x' ? y * n + (n - 1 - x) : (n - 1 - y) * n + x] as number;
    return out;
  };
  e.input = flip(e.input, s);
  e.target = flip(e.target, m);
  const c = axis === 'x' ? 0 : 1;
  const [a0, a1] = [e.coords[c] as number, e.coords[2 + c] as number];
  e.coords[c] = s - a1;
  e.coords[2 + c] = s - a0;
}
