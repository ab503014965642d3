/**
 * bench:weak, self-training on vs off (issue #15 item 3): the same human labels (what 'masks
 * only' buys at the comparison budget) fine-tune the starter once alone (off: that strategy's
 * point) and once with self-training samples (on): the starter, the active model of that round,
 * predicts on the pool images nobody labelled, and its confident predictions (libs/prompts
 * selfTrainingPseudoMasks: IoU head x stability across box jitter and a flip) join at the trainer's
 * policy (apps/trainer decide-self-training: weight, confidence threshold, images and samples per
 * round). Same fine-tuning steps, seed and held-out test objects for both. Each pseudo-mask's Dice
 * with the best-matching true object of its image (0 on an image with none) is reported too.
 */
import {
  DEFAULT_TAGS_TO_MASKS,
  discoverLesions,
  fineTune,
  loadSegmenterFromCheckpoint,
  pasteOutputProbabilities,
  quickValidate,
  trainLesionClassifierFromMasks,
  type FineTuneSample,
  type MaskedImage,
  type SamPredictor,
  type SyntheticFaSample,
} from '@loupe/model/node';
import {
  DEFAULT_SELF_TRAINING,
  dice,
  selfTrainingPseudoMasks,
  type Mask,
  type PredictBoxFn,
} from '@loupe/prompts';
import { decideSelfTraining, type SelfTrainingPolicy } from '@loupe/trainer/testing';
import { equalComputeSamples, sampleHash } from './weak-budget-plan';

export interface SelfTrainingComparison {
  minutes: number;
  humanSamples: number;
  /** Unlabeled pool images predicted, objects found, and those confident enough to use. */
  unlabeledImages: number;
  found: number;
  /** Mean and highest confidence of every object found (what the threshold is set against), and
   * the found objects' mean Dice with the best-matching true object. */
  foundMeanConfidence: number | null;
  foundMaxConfidence: number | null;
  foundPseudoMaskDice: number | null;
  used: number;
  meanConfidence: number | null;
  /** Mean Dice of the used pseudo-masks with the best-matching true object. */
  pseudoMaskDice: number | null;
  policy: SelfTrainingPolicy;
  offDice: number;
  onDice: number;
  /** onDice - offDice in Dice points. */
  gainPoints: number;
  /**
   * How objects were found: 'lesion-classifier' (bright-blob candidates a classifier of the human
   * masks calls lesions, score >= discoveryMinScore, prompt the views), or 'overview' (the
   * model's whole-image look; used when the human labels give the classifier no positive or no
   * negative).
   */
  discovery: 'lesion-classifier' | 'overview';
  discoveryMinScore: number;
  /** Why self-training used nothing (the policy said no), else null. */
  skipped: string | null;
  seconds: number;
}

const mean = (values: number[]) =>
  values.length ? values.reduce((a, b) => a + b, 0) / values.length : null;

/** The human labels per image: its masks (none: an image labelled empty). */
export function maskedImagesOf(samples: readonly FineTuneSample[]): MaskedImage[] {
  const byImage = new Map<object, MaskedImage>();
  for (const s of samples) {
    let image = byImage.get(s.image);
    if (!image) {
      image = { pixels: s.image, width: s.width, height: s.height, objects: [] };
      byImage.set(s.image, image);
    }
    if (s.mask.data.some((v) => v)) image.objects.push(s.mask.data);
  }
  return [...byImage.values()];
}

export async function measureSelfTraining(input: {
  predictor: SamPredictor;
  checkpoint: string;
  minutes: number;
  /** The human labels' fine-tuning samples (masks and empty-image negatives). */
  humanSamples: FineTuneSample[];
  humanMasks: number;
  /** Pool images nobody labelled, with their true objects (for the pseudo-masks' Dice only). */
  unlabeled: { sample: SyntheticFaSample; objects: Mask[] }[];
  test: FineTuneSample[];
  offDice: number;
  policy: SelfTrainingPolicy;
  steps: number;
  batchSize: number;
}): Promise<SelfTrainingComparison> {
  const started = performance.now();
  const { policy } = input;
  const decision = decideSelfTraining(policy, { humanMasks: input.humanMasks });
  const predictBox: PredictBoxFn<Uint8Array> = async (image, box) => {
    const prediction = await input.predictor.predict({ ...image, channels: 1 }, box);
    return {
      iouPredictions: prediction.iouPredictions,
      fullResolution: (k) => pasteOutputProbabilities(prediction, k),
    };
  };
  const images = decision.use ? input.unlabeled.slice(0, policy.maxImagesPerRound) : [];
  const lesionClassifier = decision.use
    ? await trainLesionClassifierFromMasks(input.predictor, maskedImagesOf(input.humanSamples))
    : null;
  const found: { sample: SyntheticFaSample; mask: Mask; confidence: number; dice: number }[] = [];
  for (const { sample, objects } of images) {
    const image = { width: sample.width, height: sample.height, pixels: sample.image };
    const proposals = lesionClassifier
      ? (
          await discoverLesions(
            input.predictor,
            lesionClassifier,
            image,
            policy.discoveryMinScore,
            DEFAULT_TAGS_TO_MASKS,
          )
        ).map((d) => d.box)
      : undefined;
    for (const object of await selfTrainingPseudoMasks(
      predictBox,
      image,
      DEFAULT_SELF_TRAINING,
      proposals,
    ))
      found.push({
        sample,
        mask: object.mask,
        confidence: object.confidence,
        dice: Math.max(0, ...objects.map((truth) => dice(object.mask, truth))),
      });
  }
  const used = found
    .filter((f) => f.confidence >= policy.minConfidence)
    .sort((a, b) => b.confidence - a.confidence)
    .slice(0, decision.use ? decision.maxSamples : 0);
  const samples: FineTuneSample[] = [
    ...input.humanSamples,
    ...used.map((f) => ({
      image: f.sample.image,
      width: f.sample.width,
      height: f.sample.height,
      mask: f.mask,
      weight: policy.weight * f.confidence,
    })),
  ];
  let onDice = input.offDice;
  if (used.length > 0) {
    const { model } = await loadSegmenterFromCheckpoint(input.checkpoint);
    try {
      // The same steps as the 'off' run (weak-budget.ts): equal compute.
      const run = equalComputeSamples(samples, input.steps, input.batchSize, sampleHash);
      const result = await fineTune({
        model,
        samples: run.samples,
        epochs: run.epochs,
        batchSize: input.batchSize,
        seed: 15,
        learningRate: 3e-4,
        emaDecay: 0.9,
      });
      result.optimizer.dispose();
      onDice = quickValidate(model, input.test).dice;
    } finally {
      model.dispose();
    }
  }
  return {
    minutes: input.minutes,
    humanSamples: input.humanSamples.length,
    unlabeledImages: images.length,
    found: found.length,
    foundMeanConfidence: mean(found.map((f) => f.confidence)),
    foundMaxConfidence: found.length ? Math.max(...found.map((f) => f.confidence)) : null,
    foundPseudoMaskDice: mean(found.map((f) => f.dice)),
    used: used.length,
    meanConfidence: mean(used.map((f) => f.confidence)),
    pseudoMaskDice: mean(used.map((f) => f.dice)),
    policy,
    discovery: lesionClassifier ? 'lesion-classifier' : 'overview',
    discoveryMinScore: policy.discoveryMinScore,
    offDice: input.offDice,
    onDice,
    gainPoints: 100 * (onDice - input.offDice),
    skipped: decision.use ? null : decision.reason,
    seconds: (performance.now() - started) / 1000,
  };
}
