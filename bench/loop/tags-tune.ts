/**
 * Picks tags-to-masks settings on tuning images, never on bench:weak's held-out seed
 * (HELD_OUT_SYNTHETIC_SEED): the classification head learns from bench:weak's tagged training
 * images (quick sizes), and each candidate's pseudo-masks are measured on tuning seeds (default
 * 1701 present / 1702 absent). Mined candidates are cached per image, so only the first candidate
 * pays for prompting the segmenter.
 *
 *   npx tsx bench/loop/tags-tune.ts [--seed 1701] [--train 24] [--test 12]
 */
import { join } from 'node:path';
import {
  DEFAULT_TAGS_TO_MASKS,
  generateSyntheticFaDataset,
  selectTrainingBackend,
  type TagsToMasksOptions,
} from '@loupe/model/node';
import { repoRoot } from '../lib/repo-root';
import { measureTags, TAG_TRAIN_SEEDS, tagged } from '../parts/weak';

const CANDIDATES: { name: string; options: TagsToMasksOptions }[] = [0.5, 0.4, 0.3, 0.2].map(
  (candidateMinScore) => ({
    name: `candidateMinScore ${candidateMinScore}`,
    options: { ...DEFAULT_TAGS_TO_MASKS, candidateMinScore },
  }),
);

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

async function main() {
  await selectTrainingBackend({ log: () => undefined });
  const seed = flag('seed', 1701);
  const nTrain = flag('train', 24);
  const nTest = flag('test', 12);
  const synthetic = (count: number, s: number, lesions?: [number, number]) =>
    generateSyntheticFaDataset({ count, size: 256, seed: s, ...(lesions ? { lesions } : {}) });
  const data = {
    train: [
      ...tagged(synthetic(nTrain, TAG_TRAIN_SEEDS.present), true),
      ...tagged(synthetic(nTrain, TAG_TRAIN_SEEDS.absent, [0, 0]), false),
    ],
    heldOutPresent: synthetic(nTest, seed),
    heldOutAbsent: synthetic(Math.ceil(nTest / 2), seed + 1, [0, 0]),
  };
  const starterDir = join(repoRoot, 'models', 'starter');
  for (const candidate of CANDIDATES) {
    const q = await measureTags(starterDir, 'starter', data, candidate.options);
    console.log(
      JSON.stringify({
        name: candidate.name,
        tuningSeed: seed,
        dice: Number(q.dice.toFixed(4)),
        medianDice: Number(q.medianDice.toFixed(4)),
        foundShare: q.foundShare,
        meanConfidence: Number(q.meanConfidence.toFixed(3)),
        seconds: Math.round(q.seconds),
      }),
    );
  }
}

void main();
