/**
 * Self-training (issue #15 item 3): the active model's confident predictions on an unlabeled image
 * become pseudo-masks. With no prompt from a person, the model first looks at the whole image (a
 * full-image box, every output); each object it sees there is then prompted on its own box, again
 * with jittered boxes and on the horizontally flipped image. The pseudo-mask is the views' pixel
 * majority; its confidence is the IoU head's mean prediction times the views' agreement (mean IoU
 * of each view with the majority), so a mask the model is sure of and that survives prompt jitter
 * and augmentation scores high. Shared by the trainer (stored, low-weight training samples) and
 * bench:weak (self-training on vs off).
 */
import { createMask, type Mask } from './mask';
import { connectedComponents, maskArea, maskBoundingBox } from './mask-ops';
import { iou } from './metrics';
import type { BoxOutputs } from './pseudo-mask-from-box';
import { createRng } from './rng';
import type { Box } from './schemas';

export interface SelfTrainingImage<P extends Float32Array | Uint8Array> {
  width: number;
  height: number;
  pixels: P;
}

export type PredictBoxFn<P extends Float32Array | Uint8Array> = (
  image: SelfTrainingImage<P>,
  box: Box,
) => Promise<BoxOutputs>;

export interface SelfTrainingOptions {
  /** Most objects kept from one image (largest first in the overview). */
  maxObjects: number;
  /** Jittered-box views per object; each box edge moves by up to this share of the box side. */
  jitterViews: number;
  jitter: number;
  /** Add a view on the horizontally flipped image. */
  flip: boolean;
  /** Overview objects smaller than this (pixels) are noise; larger than this share of the image
   * are background, not an object. */
  minObjectPixels: number;
  maxObjectShare: number;
  seed: number;
}

export const DEFAULT_SELF_TRAINING: SelfTrainingOptions = {
  maxObjects: 4,
  jitterViews: 2,
  jitter: 0.1,
  flip: true,
  minObjectPixels: 16,
  maxObjectShare: 0.25,
  seed: 15,
};

export interface SelfTrainingPseudoMask {
  /** One object, image width x height. */
  mask: Mask;
  /** iou x stability, 0..1. */
  confidence: number;
  /** The IoU head's mean prediction over the views. */
  predictedIou: number;
  /** Mean IoU of each view's mask with the majority mask. */
  stability: number;
  views: number;
}

const clamp01 = (v: number) => (Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : 0);

function bestOutput(iouPredictions: readonly number[]): number {
  let best = 0;
  iouPredictions.forEach((v, k) => {
    if (v > (iouPredictions[best] as number)) best = k;
  });
  return best;
}

/** Pixels with p > 0.5 inside `region` (a mask never reaches far outside its prompt's box). */
function thresholdWithin(probabilities: Float32Array, width: number, height: number, region: Box) {
  const mask = createMask(width, height);
  const x0 = Math.max(0, Math.floor(region.x0));
  const y0 = Math.max(0, Math.floor(region.y0));
  const x1 = Math.min(width, Math.ceil(region.x1));
  const y1 = Math.min(height, Math.ceil(region.y1));
  for (let y = y0; y < y1; y++)
    for (let x = x0; x < x1; x++) {
      const i = y * width + x;
      if ((probabilities[i] as number) > 0.5) mask.data[i] = 1;
    }
  return mask;
}

function flipImage<P extends Float32Array | Uint8Array>(
  image: SelfTrainingImage<P>,
): SelfTrainingImage<P> {
  const pixels = image.pixels.slice() as P;
  for (let y = 0; y < image.height; y++)
    for (let x = 0; x < image.width; x++)
      pixels[y * image.width + x] = image.pixels[y * image.width + (image.width - 1 - x)] as number;
  return { width: image.width, height: image.height, pixels };
}

function flipMask(mask: Mask): Mask {
  const out = createMask(mask.width, mask.height);
  for (let y = 0; y < mask.height; y++)
    for (let x = 0; x < mask.width; x++)
      out.data[y * mask.width + x] = mask.data[y * mask.width + (mask.width - 1 - x)] as number;
  return out;
}

const flipBox = (box: Box, width: number): Box => ({
  x0: width - box.x1,
  y0: box.y0,
  x1: width - box.x0,
  y1: box.y1,
});

function clampBox(box: Box, width: number, height: number): Box {
  return {
    x0: Math.max(0, Math.min(width - 1, box.x0)),
    y0: Math.max(0, Math.min(height - 1, box.y0)),
    x1: Math.max(1, Math.min(width, box.x1)),
    y1: Math.max(1, Math.min(height, box.y1)),
  };
}

/** The objects the model sees on the whole image: components of every output, deduplicated. */
async function overviewObjects<P extends Float32Array | Uint8Array>(
  predictBox: PredictBoxFn<P>,
  image: SelfTrainingImage<P>,
  options: SelfTrainingOptions,
): Promise<Box[]> {
  const whole: Box = { x0: 0, y0: 0, x1: image.width, y1: image.height };
  const overview = await predictBox(image, whole);
  const maxArea = options.maxObjectShare * image.width * image.height;
  const found: Mask[] = [];
  for (let k = 0; k < overview.iouPredictions.length; k++) {
    const mask = thresholdWithin(overview.fullResolution(k), image.width, image.height, whole);
    for (const object of connectedComponents(mask, 8)) {
      const area = maskArea(object);
      if (area < options.minObjectPixels || area > maxArea) continue;
      if (found.some((f) => iou(f, object) > 0.5)) continue;
      found.push(object);
    }
  }
  return found
    .sort((a, b) => maskArea(b) - maskArea(a))
    .slice(0, options.maxObjects)
    .map((m) => maskBoundingBox(m) as Box);
}

/**
 * Pseudo-masks of the objects the model finds on `image`, most confident first. Objects that
 * overlap a more confident one (IoU > 0.5) are dropped. The caller keeps those at or above its
 * confidence threshold. `proposals`: boxes of the objects another finder proposes (e.g. lesion
 * candidates a classifier of the human masks picked, libs/model discoverLesions); then the
 * whole-image look is skipped (a segmenter trained on tight boxes answers a whole-image box with
 * anatomy, rarely a lesion) and each proposal gets the same views and confidence.
 */
export async function selfTrainingPseudoMasks<P extends Float32Array | Uint8Array>(
  predictBox: PredictBoxFn<P>,
  image: SelfTrainingImage<P>,
  options: SelfTrainingOptions = DEFAULT_SELF_TRAINING,
  proposals?: readonly Box[],
): Promise<SelfTrainingPseudoMask[]> {
  const { width, height } = image;
  const boxes = proposals
    ? proposals.slice(0, options.maxObjects)
    : await overviewObjects(predictBox, image, options);
  const rng = createRng(options.seed);
  const flipped = options.flip && boxes.length > 0 ? flipImage(image) : null;
  const out: SelfTrainingPseudoMask[] = [];
  for (const box of boxes) {
    const w = box.x1 - box.x0;
    const h = box.y1 - box.y0;
    // Every view's mask is read inside the box grown by twice the jitter (room for every view).
    const region = clampBox(
      {
        x0: box.x0 - 2 * options.jitter * w - 1,
        y0: box.y0 - 2 * options.jitter * h - 1,
        x1: box.x1 + 2 * options.jitter * w + 1,
        y1: box.y1 + 2 * options.jitter * h + 1,
      },
      width,
      height,
    );
    const masks: Mask[] = [];
    const ious: number[] = [];
    const view = async (viewImage: SelfTrainingImage<P>, viewBox: Box, mirrored: boolean) => {
      const prediction = await predictBox(viewImage, viewBox);
      const k = bestOutput(prediction.iouPredictions);
      const viewRegion = mirrored ? flipBox(region, width) : region;
      const mask = thresholdWithin(prediction.fullResolution(k), width, height, viewRegion);
      masks.push(mirrored ? flipMask(mask) : mask);
      ious.push(clamp01(prediction.iouPredictions[k] as number));
    };
    await view(image, box, false);
    for (let j = 0; j < options.jitterViews; j++) {
      const d = () => rng.uniform(-options.jitter, options.jitter);
      await view(
        image,
        clampBox(
          {
            x0: box.x0 + d() * w,
            y0: box.y0 + d() * h,
            x1: box.x1 + d() * w,
            y1: box.y1 + d() * h,
          },
          width,
          height,
        ),
        false,
      );
    }
    if (flipped) await view(flipped, flipBox(box, width), true);

    const majority = createMask(width, height);
    const need = masks.length / 2;
    for (let i = 0; i < majority.data.length; i++) {
      let votes = 0;
      for (const m of masks) votes += m.data[i] as number;
      if (votes > need || (votes === need && votes > 0 && masks[0]?.data[i])) majority.data[i] = 1;
    }
    if (maskArea(majority) < options.minObjectPixels) continue;
    const stability = masks.reduce((s, m) => s + iou(m, majority), 0) / masks.length;
    const predictedIou = ious.reduce((s, v) => s + v, 0) / ious.length;
    out.push({
      mask: majority,
      confidence: clamp01(predictedIou * stability),
      predictedIou,
      stability,
      views: masks.length,
    });
  }
  out.sort((a, b) => b.confidence - a.confidence);
  const kept: SelfTrainingPseudoMask[] = [];
  for (const candidate of out)
    if (!kept.some((k) => iou(k.mask, candidate.mask) > 0.5)) kept.push(candidate);
  return kept;
}
