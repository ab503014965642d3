/**
 * Picks the self-training confidence threshold (trainer-config selfTraining.minConfidence) on
 * tuning images, never on bench:weak's pool or held-out seed: the starter predicts on synthetic
 * FA images of a tuning seed (default 1801, lesions 0-4 as in bench:weak's pool), and for each
 * threshold the script prints how many found objects pass and their mean Dice with the
 * best-matching true object (0 on an image with none). Discovery as bench:weak's: a classifier of
 * the human masks (synthetic images of seed 1802, lesions 0-4, standing for the human labels)
 * scores bright-blob candidates, and those at or above a lesion probability (minScore, printed as
 * a grid with the threshold) prompt the views; `--overview` measures the whole-image look instead.
 *
 *   npx tsx bench/loop/self-training-tune.ts [--seed 1801] [--images 24] [--human 24] [--overview]
 */
import { join } from 'node:path';
import {
  discoverLesions,
  generateSyntheticFaDataset,
  openModelDir,
  pasteOutputProbabilities,
  trainLesionClassifierFromMasks,
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
  const overview = process.argv.includes('--overview');
  const truthsOf = (sample: { mask: Parameters<typeof connectedComponents>[0] }) =>
    connectedComponents(sample.mask, 8).filter((c) => c.data.some((v) => v));
  const human = generateSyntheticFaDataset({
    count: flag('human', 24),
    size: 256,
    seed: 1802,
    lesions: [0, 4],
  });
  const classifier = overview
    ? null
    : await trainLesionClassifierFromMasks(
        predictor,
        human.map((s) => ({
          pixels: s.image,
          width: s.width,
          height: s.height,
          objects: truthsOf(s).map((t) => t.data),
        })),
      );
  const found: { confidence: number; dice: number; score: number }[] = [];
  const samples = generateSyntheticFaDataset({ count, size: 256, seed, lesions: [0, 4] });
  for (const [i, sample] of samples.entries()) {
    const truths = truthsOf(sample);
    const image = { width: sample.width, height: sample.height, pixels: sample.image };
    const record = (object: { mask: typeof sample.mask; confidence: number }, score: number) =>
      found.push({
        confidence: object.confidence,
        dice: Math.max(0, ...truths.map((truth) => dice(object.mask, truth))),
        score,
      });
    if (!classifier)
      for (const object of await selfTrainingPseudoMasks(predictBox, image, DEFAULT_SELF_TRAINING))
        record(object, 1);
    else
      for (const lesion of await discoverLesions(predictor, classifier, image, 0))
        for (const object of await selfTrainingPseudoMasks(
          predictBox,
          image,
          DEFAULT_SELF_TRAINING,
          [lesion.box],
        ))
          record(object, lesion.score);
    process.stderr.write(`\r${i + 1}/${samples.length} images, ${found.length} objects found`);
  }
  process.stderr.write('\n');
  for (const minScore of classifier ? [0, 0.3, 0.5, 0.7, 0.9] : [0])
    for (const threshold of [0, 0.5, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85]) {
      const used = found.filter((f) => f.confidence >= threshold && f.score >= minScore);
      const meanDice = used.length ? used.reduce((a, f) => a + f.dice, 0) / used.length : null;
      console.log(
        JSON.stringify({
          tuningSeed: seed,
          discovery: classifier ? 'lesion-classifier' : 'overview',
          minScore,
          threshold,
          used: used.length,
          found: found.length,
          meanDice: meanDice === null ? null : Number(meanDice.toFixed(4)),
        }),
      );
    }
}

void main();
