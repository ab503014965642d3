/**
 * Picks the self-training confidence threshold (trainer-config selfTraining.minConfidence) on
 * tuning images, never on bench:weak's pool or held-out seed: the starter predicts on synthetic
 * FA images of a tuning seed (default 1801, lesions 0-4 as in bench:weak's pool), and for each
 * threshold the script prints how many found objects pass and their mean Dice with the
 * best-matching true object (0 on an image with none).
 *
 *   npx tsx bench/loop/self-training-tune.ts [--seed 1801] [--images 24]
 */
import { join } from 'node:path';
import {
  generateSyntheticFaDataset,
  openModelDir,
  pasteOutputProbabilities,
} from '@loupe/model/node';
import {
  connectedComponents,
  DEFAULT_SELF_TRAINING,
  dice,
  selfTrainingPseudoMasks,
  type PredictBoxFn,
} from '@loupe/prompts';
import { repoRoot } from '../lib/repo-root';

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

async function main() {
  const seed = flag('seed', 1801);
  const count = flag('images', 24);
  const predictor = await openModelDir(join(repoRoot, 'models', 'starter'));
  const predictBox: PredictBoxFn<Uint8Array> = async (image, box) => {
    const prediction = await predictor.predict({ ...image, channels: 1 }, box);
    return {
      iouPredictions: prediction.iouPredictions,
      fullResolution: (k) => pasteOutputProbabilities(prediction, k),
    };
  };
  const found: { confidence: number; dice: number }[] = [];
  const samples = generateSyntheticFaDataset({ count, size: 256, seed, lesions: [0, 4] });
  for (const [i, sample] of samples.entries()) {
    const truths = connectedComponents(sample.mask, 8).filter((c) => c.data.some((v) => v));
    const image = { width: sample.width, height: sample.height, pixels: sample.image };
    for (const object of await selfTrainingPseudoMasks(predictBox, image, DEFAULT_SELF_TRAINING))
      found.push({
        confidence: object.confidence,
        dice: Math.max(0, ...truths.map((truth) => dice(object.mask, truth))),
      });
    process.stderr.write(`\r${i + 1}/${samples.length} images, ${found.length} objects found`);
  }
  process.stderr.write('\n');
  for (const threshold of [0, 0.5, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85]) {
    const used = found.filter((f) => f.confidence >= threshold);
    const meanDice = used.length ? used.reduce((a, f) => a + f.dice, 0) / used.length : null;
    console.log(
      JSON.stringify({
        tuningSeed: seed,
        threshold,
        used: used.length,
        found: found.length,
        meanDice: meanDice === null ? null : Number(meanDice.toFixed(4)),
      }),
    );
  }
}

void main();
