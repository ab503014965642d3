/**
 * Tags to masks (WeakMedSAM), the whole pipeline on an exported model (SamPredictor: the ONNX
 * files the browser and the trainer run):
 *  1. trainTagClassifier: encoder feature grids of the tagged images (feature-grid.ts), sub-class
 *     exploration over the 'present' ones, the classification head trained on parent + sub-class
 *     labels (classification-head.ts).
 *  2. pseudoMaskFromTag, per image tagged 'present': CAM (class-activation-map.ts), its peaks
 *     prompt the segmenter as positive points on a crop around the peak's CAM region, the prompted
 *     masks give the affinity for the random-walk refinement (prompt-affinity-mining.ts), and the
 *     refined map at or above `maskThreshold` is the pseudo-mask.
 * Confidence = P(present) from the head x the mean predicted IoU of the prompted masks that the
 * pseudo-mask keeps (0 when no peak was strong enough to prompt): it weights the pseudo-mask in
 * fine-tuning like a box pseudo-mask's confidence.
 */
import { pasteOutputProbabilities } from '../inference/sam-predictor';
import type { SamPredictor } from '../inference/sam-predictor';
import { toLuminance, type PixelSamples } from '../preprocess';
import {
  activationPeaks,
  classActivationMap,
  resampleActivationMap,
  type ActivationMap,
  type ActivationPeak,
} from './class-activation-map';
import {
  presentProbability,
  trainClassificationHead,
  type ClassificationHeadWeights,
} from './classification-head';
import {
  encodeFeatureGrid,
  meanFeature,
  type FeatureGrid,
  type FeatureNormalization,
  type FeatureSource,
} from './feature-grid';
import { minePromptedMasks, promptAffinity, randomWalkRefine } from './prompt-affinity-mining';
import { exploreSubClasses } from './sub-class-exploration';

export interface TaggedImage {
  pixels: PixelSamples;
  width: number;
  height: number;
  present: boolean;
}

export interface TagsToMasksOptions {
  /** Sub-classes of 'present' (SCE's K). */
  subClasses: number;
  headEpochs: number;
  /** How each tile is z-scored before the encoder (feature-grid.ts). */
  featureNormalization: FeatureNormalization;
  /** Hidden units of the head; 0 = linear (classic CAM). */
  headHidden: number;
  /** Encoder output the head sees (feature-grid.ts). */
  features: FeatureSource;
  /** Prompt the segmenter with each trial box besides the peak point (else the point alone). */
  promptWithBox: boolean;
  /** Sides (image pixels) of the boxes tried around each peak. */
  promptBoxSides: number[];
  /** log-sum-exp pooling sharpness of the head (larger: nearer max pooling, sharper CAM). */
  poolingSharpness: number;
  seed: number;
  /** CAM value a peak needs to prompt the segmenter. */
  peakMinValue: number;
  maxPeaks: number;
  /** Random-walk grid (image pixels per node), neighbourhood radius (nodes), beta, steps. */
  walkStride: number;
  walkRadius: number;
  walkBeta: number;
  walkIterations: number;
  /** Share of the best prompted object's refined activation another needs to be kept. */
  maskThreshold: number;
}

export const DEFAULT_TAGS_TO_MASKS: TagsToMasksOptions = {
  subClasses: 3,
  headEpochs: 60,
  poolingSharpness: 4,
  features: 'embedding',
  featureNormalization: 'image-robust',
  headHidden: 32,
  promptWithBox: true,
  promptBoxSides: [12, 24, 48, 96],
  seed: 15,
  peakMinValue: 0.5,
  maxPeaks: 6,
  walkStride: 2,
  walkRadius: 3,
  walkBeta: 8,
  walkIterations: 16,
  maskThreshold: 0.75,
};

export interface TagClassifier {
  head: ClassificationHeadWeights;
  finalLoss: number;
  /** Images per sub-class among the 'present' ones. */
  subClassSizes: number[];
}

export type Encoder = Pick<SamPredictor, 'runEncoder' | 'manifest'>;

function gridOf(
  encoder: Encoder,
  image: Omit<TaggedImage, 'present'>,
  source: FeatureSource,
  normalization: FeatureNormalization,
): Promise<FeatureGrid> {
  const lum = toLuminance(image.pixels, image.width, image.height, 1);
  return encodeFeatureGrid(encoder, lum, image.width, image.height, source, normalization);
}

export async function trainTagClassifier(
  encoder: Encoder,
  images: readonly TaggedImage[],
  options: TagsToMasksOptions = DEFAULT_TAGS_TO_MASKS,
): Promise<TagClassifier> {
  const grids: FeatureGrid[] = [];
  for (const image of images)
    grids.push(await gridOf(encoder, image, options.features, options.featureNormalization));
  const positives = grids.filter((_, i) => (images[i] as TaggedImage).present);
  const clusters = exploreSubClasses(positives.map(meanFeature), {
    subClasses: options.subClasses,
    seed: options.seed,
  });
  const k = clusters.centroids.length;
  let p = 0;
  const tagged = grids.map((grid, i) => {
    const present = (images[i] as TaggedImage).present;
    return { grid, present, subClass: present ? (clusters.assignments[p++] as number) : null };
  });
  const { weights, finalLoss } = await trainClassificationHead(tagged, {
    subClasses: k,
    epochs: options.headEpochs,
    seed: options.seed,
    poolingSharpness: options.poolingSharpness,
    hidden: options.headHidden,
  });
  const subClassSizes = Array.from(
    { length: k },
    (_, j) => clusters.assignments.filter((a) => a === j).length,
  );
  return { head: weights, finalLoss, subClassSizes };
}

export interface TagPseudoMask {
  /** 0/1, image width x height. */
  mask: Uint8Array;
  width: number;
  height: number;
  confidence: number;
  presentProbability: number;
  peaks: ActivationPeak[];
  /** Prompted masks the pseudo-mask overlaps. */
  promptsKept: number;
  /** Pixels of each prompted mask (probability > 0.5), in peak order. */
  promptedAreas: number[];
  cam: ActivationMap;
  refined: ActivationMap;
}

/** IoU of the box with the bounding box of the mask's pixels (probability > 0.5) inside it. */
function boxFit(
  probabilities: Float32Array,
  width: number,
  box: { x0: number; y0: number; x1: number; y1: number },
): number {
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
  const height = probabilities.length / width;
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      if ((probabilities[y * width + x] as number) > 0.5) {
        x0 = Math.min(x0, x);
        y0 = Math.min(y0, y);
        x1 = Math.max(x1, x + 1);
        y1 = Math.max(y1, y + 1);
      }
  if (x1 < x0) return 0;
  const ix = Math.max(0, Math.min(x1, box.x1) - Math.max(x0, box.x0));
  const iy = Math.max(0, Math.min(y1, box.y1) - Math.max(y0, box.y0));
  const inter = ix * iy;
  const union = (x1 - x0) * (y1 - y0) + (box.x1 - box.x0) * (box.y1 - box.y0) - inter;
  return union > 0 ? inter / union : 0;
}

export async function pseudoMaskFromTag(
  predictor: SamPredictor,
  classifier: TagClassifier,
  image: Omit<TaggedImage, 'present'>,
  options: TagsToMasksOptions = DEFAULT_TAGS_TO_MASKS,
): Promise<TagPseudoMask> {
  const { width, height } = image;
  const luminance = toLuminance(image.pixels, width, height, 1);
  const grid = await encodeFeatureGrid(
    predictor,
    luminance,
    width,
    height,
    options.features,
    options.featureNormalization,
  );
  const probability = presentProbability(classifier.head, grid);
  const cam = classActivationMap(classifier.head, grid);
  const peaks = activationPeaks(cam, {
    minValue: options.peakMinValue,
    minDistance: 2 * cam.stride,
    maxPeaks: options.maxPeaks,
  });
  const prompted = await minePromptedMasks(peaks, async (peak) => {
    // The CAM marks a spot, not the object's extent: boxes of several sizes around the peak
    // (with the peak as positive point) and SAM's best-fitting answer, scored by predicted IoU x
    // how well the mask fills its box (a box much larger or smaller than the object fits badly).
    let best: { probabilities: Float32Array; iouPrediction: number; score: number } = {
      probabilities: new Float32Array(width * height),
      iouPrediction: 0,
      score: -1,
    };
    for (const side of options.promptBoxSides) {
      const box = {
        x0: Math.max(0, peak.x - side / 2),
        y0: Math.max(0, peak.y - side / 2),
        x1: Math.min(width, peak.x + side / 2),
        y1: Math.min(height, peak.y + side / 2),
      };
      const embedding = await predictor.embedLuminance(luminance, width, height, box);
      try {
        const output = await predictor.decodeLogits(embedding, options.promptWithBox ? box : null, [
          { x: peak.x, y: peak.y, positive: true },
        ]);
        let index = 0;
        output.iouPredictions.forEach((v, i) => {
          if (v > (output.iouPredictions[index] as number)) index = i;
        });
        const probabilities = pasteOutputProbabilities(output, index);
        const iou = Math.min(Math.max(output.iouPredictions[index] as number, 0), 1);
        const score = iou * boxFit(probabilities, width, box);
        if (score > best.score) best = { probabilities, iouPrediction: iou, score };
      } finally {
        embedding.imageEmbedding.dispose();
        embedding.highResFeatures.dispose();
      }
    }
    return best;
  });
  const fine = resampleActivationMap(cam, options.walkStride, width, height);
  const graph = promptAffinity(prompted, width, height, {
    stride: options.walkStride,
    radius: options.walkRadius,
    beta: options.walkBeta,
  });
  const refined = randomWalkRefine(fine, graph, options.walkIterations);
  // Each prompted object scores the strongest refined activation it holds (a mean would favour
  // small objects); those within maskThreshold of the best one form the pseudo-mask.
  const pixels = resampleActivationMap(refined, 1, width, height);
  const scores = prompted.map((p) => {
    let best = 0;
    for (let i = 0; i < p.probabilities.length; i++)
      if ((p.probabilities[i] as number) > 0.5) best = Math.max(best, pixels.values[i] as number);
    return best;
  });
  const top = Math.max(0, ...scores);
  const kept = prompted.filter(
    (_, i) => top > 0 && (scores[i] as number) >= options.maskThreshold * top,
  );
  const mask = new Uint8Array(width * height);
  for (const p of kept)
    for (let i = 0; i < mask.length; i++) if ((p.probabilities[i] as number) > 0.5) mask[i] = 1;
  const meanIou = kept.length
    ? kept.reduce((s, p) => s + Math.min(Math.max(p.iouPrediction, 0), 1), 0) / kept.length
    : 0;
  return {
    mask,
    width,
    height,
    confidence: probability * meanIou,
    presentProbability: probability,
    peaks,
    promptsKept: kept.length,
    promptedAreas: prompted.map((p) => p.probabilities.reduce((n, v) => n + (v > 0.5 ? 1 : 0), 0)),
    cam,
    refined,
  };
}
