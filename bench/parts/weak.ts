/**
 * Weak-label bench (issue #15, minimal slice): how good the pseudo-masks the trainer makes from
 * boxes alone are. For every lesion of the held-out synthetic FA set (the quality bench's seed,
 * which no training run uses): its tight box prompts the model (the ONNX files the browser and the
 * trainer run, through SamPredictor on onnxruntime-node), the pseudo-mask is exactly the trainer's rule
 * (libs/prompts pseudoMaskFromBox: most confident output, kept inside the box), and its Dice with
 * the lesion's true mask is measured, overall and for the pseudo-masks at or above the default
 * training confidence threshold (Project.pseudoLabelMinConfidence, 0.8) that training would use.
 * Starter model, and the latest trained model when one exists (not in smoke runs).
 *
 *   npm run bench:weak [-- --quick]
 */
import { join } from 'node:path';
import {
  generateSyntheticFaDataset,
  openModelDir,
  pasteOutputProbabilities,
} from '@loupe/model/node';
import { dice, maskBoundingBox, pseudoMaskFromBox } from '@loupe/prompts';
import type { BenchOptions } from '../run';
import { findLatestModel } from '../lib/latest-model';
import { repoRoot } from '../lib/repo-root';
import { HELD_OUT_SYNTHETIC_SEED } from './quality';

export interface WeakBenchOptions extends BenchOptions {
  smoke?: boolean;
}

/** The schema default of Project.pseudoLabelMinConfidence. */
const DEFAULT_MIN_CONFIDENCE = 0.8;

export interface BoxPseudoMaskQuality {
  version: string;
  objects: number;
  /** Mean Dice of the pseudo-mask with the true lesion mask. */
  dice: number;
  medianDice: number;
  meanConfidence: number;
  /** Pseudo-masks training would use (confidence >= minConfidence): share and their Dice. */
  confident: { minConfidence: number; share: number; dice: number | null };
  seconds: number;
}

const mean = (values: number[]) =>
  values.length ? values.reduce((a, b) => a + b, 0) / values.length : Number.NaN;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

async function measureModel(
  modelDir: string,
  version: string,
  images: ReturnType<typeof generateSyntheticFaDataset>,
): Promise<BoxPseudoMaskQuality> {
  const started = performance.now();
  const predictor = await openModelDir(modelDir);
  const dices: number[] = [];
  const confidences: number[] = [];
  try {
    for (const sample of images) {
      const image = {
        pixels: sample.image,
        width: sample.width,
        height: sample.height,
        channels: 1 as const,
      };
      for (const lesion of sample.lesions) {
        const box = maskBoundingBox(lesion);
        if (!box) continue;
        const prediction = await predictor.predict(image, box);
        const pseudo = pseudoMaskFromBox(
          {
            iouPredictions: prediction.iouPredictions,
            fullResolution: (k) => pasteOutputProbabilities(prediction, k),
          },
          box,
          sample.width,
          sample.height,
        );
        dices.push(dice(pseudo.mask, lesion));
        confidences.push(pseudo.confidence);
      }
    }
  } finally {
    await predictor.release();
  }
  const confident = dices.filter((_, i) => (confidences[i] as number) >= DEFAULT_MIN_CONFIDENCE);
  return {
    version,
    objects: dices.length,
    dice: mean(dices),
    medianDice: median(dices),
    meanConfidence: mean(confidences),
    confident: {
      minConfidence: DEFAULT_MIN_CONFIDENCE,
      share: dices.length ? confident.length / dices.length : 0,
      dice: confident.length ? mean(confident) : null,
    },
    seconds: (performance.now() - started) / 1000,
  };
}

export async function runWeakBench(options: WeakBenchOptions): Promise<Record<string, unknown>> {
  const count = options.smoke ? 3 : options.quick ? 12 : 48;
  const images = generateSyntheticFaDataset({ count, size: 256, seed: HELD_OUT_SYNTHETIC_SEED });
  const starterDir = join(repoRoot, 'models', 'starter');
  const starter = await measureModel(starterDir, 'starter', images);
  const latest = options.smoke ? null : await findLatestModel({ repoRoot, starterDir });
  return {
    synthetic: {
      images: count,
      starter,
      ...(latest ? { latest: await measureModel(latest.dir, latest.version, images) } : {}),
    },
    notes: [
      `synthetic: ${count} held-out images from generateSyntheticFaDataset with seed ${HELD_OUT_SYNTHETIC_SEED} (the quality bench's; training uses other seeds); every lesion is one object.`,
      "Box = tight box of the true lesion mask; pseudo-mask = libs/prompts pseudoMaskFromBox (the trainer's rule: the output with the highest predicted IoU, thresholded at 0.5, clipped to the box).",
      `confident: pseudo-masks with confidence >= ${DEFAULT_MIN_CONFIDENCE} (the default training threshold), which training weights by their confidence.`,
      'Not measured yet (issue #15): pseudo-masks from tags alone, and models trained on boxes / tags / mixes at equal annotator time.',
    ],
  };
}
