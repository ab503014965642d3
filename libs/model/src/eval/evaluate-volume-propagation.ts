/**
 * Propagation quality on held-out volumes (#14 item 5, the promotion gate): for each object, one
 * tight box on the scored slice where its truth is largest, the annotate page's propagation
 * through the volume (libs/prompts propagateVolume with DEFAULT_PROPAGATION and the slice pixels
 * for its contrast stop, forward then backward, each slice prompted from the previous one as the
 * page's worker does), then the volume Dice of the propagated object with its truth over the
 * scored slices. Browser-safe: the model is
 * a SamPredictor the caller opened.
 *
 * Scored slices are the caller's (the trainer: every slice of the volume outside the training
 * split, so a propagation that runs past the object's end is counted against it, and no training
 * mask is scored). Truth on a scored slice without a mask of the object is empty.
 */
import {
  boxFromMask,
  propagateVolume,
  resampleLogits,
  thresholdProbabilities,
  type Box,
  type ClickPrompt,
  type MaskLogits,
  type PropagationThresholds,
  type SlicePrediction,
} from '@loupe/prompts';
import { toLuminance, type PixelSamples } from '../preprocess';
import {
  disposeEmbedding,
  pasteOutputProbabilities,
  type SamPredictor,
} from '../inference/sam-predictor';

export interface PropagationVolumeObject {
  id: string;
  /** The object's true 0/1 mask (width x height) by slice; slices absent here are empty. */
  masks: ReadonlyMap<number, Uint8Array>;
}

export interface PropagationVolume {
  id: string;
  width: number;
  height: number;
  /** Every slice of the volume in order (gray samples, one channel). */
  slices: readonly PixelSamples[];
  /** The slices the Dice is measured on (held out from training). */
  scored: ReadonlySet<number>;
  objects: readonly PropagationVolumeObject[];
}

export interface PropagationObjectResult {
  volumeId: string;
  objectId: string;
  seedSlice: number;
  /** Dice over the scored slices (1 when truth and prediction are both empty there). */
  dice: number;
  /** Slices the propagation filled, and the model runs it made. */
  propagatedSlices: number;
  predictions: number;
}

export interface PropagationSummary {
  /** Mean per-object volume Dice; null when no object had a scored slice with its truth. */
  volumeDice: number | null;
  objects: number;
  volumes: number;
  perObject: PropagationObjectResult[];
}

/**
 * The annotate page's output choice (annotation-state defaultOutput): a box alone takes the
 * multimask output with the highest predicted IoU, a box with clicks the single-mask output.
 */
function chosenOutput(iou: readonly number[], clicks: number): number {
  if (clicks > 0 || iou.length < 2) return 0;
  let best = 1;
  for (let i = 2; i < iou.length; i++) if ((iou[i] as number) > (iou[best] as number)) best = i;
  return best;
}

const area = (mask: Uint8Array) => {
  let n = 0;
  for (let i = 0; i < mask.length; i++) n += mask[i] as number;
  return n;
};

export async function evaluateVolumePropagation(
  predictor: SamPredictor,
  volumes: readonly PropagationVolume[],
  options: { thresholds?: Partial<PropagationThresholds> } = {},
): Promise<PropagationSummary> {
  const perObject: PropagationObjectResult[] = [];
  const maskSize = predictor.manifest.maskSize;
  for (const volume of volumes) {
    const { width, height } = volume;
    const depth = volume.slices.length;
    const luminance = new Map<number, Float32Array>();
    const lum = (k: number) => {
      let l = luminance.get(k);
      if (!l) {
        l = toLuminance(volume.slices[k]!, width, height, 1);
        luminance.set(k, l);
      }
      return l;
    };
    const predict = async (
      k: number,
      box: Box,
      clicks: readonly ClickPrompt[],
      previous: MaskLogits | null,
    ): Promise<SlicePrediction> => {
      const embedding = await predictor.embedLuminance(lum(k), width, height, box);
      try {
        const maskInput =
          previous && predictor.acceptsMaskPrompt
            ? resampleLogits(previous.values, previous.maskSize, previous.crop, embedding.crop)
            : null;
        const output = await predictor.decodeLogits(embedding, box, clicks, { maskInput });
        const index = chosenOutput(output.iouPredictions, clicks.length);
        const mask = thresholdProbabilities(
          pasteOutputProbabilities(output, index),
          width,
          height,
          0.5,
        ).data;
        return {
          mask,
          iou: output.iouPredictions[index] ?? 0,
          logits: { values: output.lowResLogits[index]!, maskSize, crop: output.crop },
        };
      } finally {
        disposeEmbedding(embedding);
      }
    };
    for (const object of volume.objects) {
      // The seed: the scored slice where the object is largest (the page's default slice).
      let seed = -1;
      let seedArea = 0;
      for (const [k, mask] of object.masks) {
        const a = area(mask);
        if (volume.scored.has(k) && a > seedArea) [seed, seedArea] = [k, a];
      }
      if (seed < 0) continue;
      const box = boxFromMask({ width, height, data: object.masks.get(seed)! });
      const prompted = await predict(seed, box, [], null);
      const result = await propagateVolume({
        width,
        height,
        depth,
        from: seed,
        masks: new Map([[seed, { mask: prompted.mask, origin: 'prompted' }]]),
        seedLogits: prompted.logits ?? null,
        predict: (k, prompt) => predict(k, prompt.box, prompt.clicks, prompt.maskInput),
        // The slice pixels, for the page's contrast stop (where the object fades out).
        image: (k) => ({ pixels: volume.slices[k]!, width, height, channels: 1 }),
        ...(options.thresholds ? { thresholds: options.thresholds } : {}),
      });
      const predicted = new Map(result.masks).set(seed, prompted.mask);
      let inter = 0;
      let sum = 0;
      for (const k of volume.scored) {
        const t = object.masks.get(k);
        const p = predicted.get(k);
        if (!t && !p) continue;
        for (let i = 0; i < width * height; i++) {
          const a = t ? (t[i] as number) : 0;
          const b = p ? (p[i] as number) : 0;
          inter += a & b;
          sum += a + b;
        }
      }
      perObject.push({
        volumeId: volume.id,
        objectId: object.id,
        seedSlice: seed,
        dice: sum === 0 ? 1 : (2 * inter) / sum,
        propagatedSlices: result.masks.size,
        predictions: result.predictions,
      });
    }
  }
  return {
    volumeDice: perObject.length
      ? perObject.reduce((s, o) => s + o.dice, 0) / perObject.length
      : null,
    objects: perObject.length,
    volumes: new Set(perObject.map((o) => o.volumeId)).size,
    perObject,
  };
}
