/**
 * Picks tags-to-masks settings on tuning images, never on bench:weak's held-out seed
 * (HELD_OUT_SYNTHETIC_SEED) or its held-out DRIVE photographs (14-19): the classifier learns from
 * bench:weak's tagged training images (quick sizes), and each candidate's pseudo-masks are
 * measured on tuning images: synthetic seeds (default 1701 present / 1702 absent), or with
 * `--data drive` DRIVE photographs 8-13 with lesion seed 1701 (absent: 8-10, seed 1702), the
 * tuning photographs of tags-candidates-dump.ts. Mined candidates are cached per image, so only
 * the first candidate pays for prompting the segmenter.
 *
 *   npx tsx bench/loop/tags-tune.ts [--data synthetic|drive] [--seed 1701] [--train 24] [--test 12]
 */
import { join } from 'node:path';
import {
  DEFAULT_TAGS_TO_MASKS,
  generateSyntheticFaDataset,
  loadDrivePseudoFa,
  selectTrainingBackend,
  type CandidateWalkOptions,
  type TagsToMasksOptions,
} from '@loupe/model/node';
import { repoRoot } from '../lib/repo-root';
import { DRIVE_DIR } from '../parts/quality';
import { measureTags, TAG_TRAIN_SEEDS, tagged } from '../parts/weak';

const WALK: CandidateWalkOptions = {
  stride: 2,
  radius: 3,
  beta: 8,
  iterations: 16,
  rule: 'boundary',
  level: 1,
};

/** The kept candidates' union, then prompt affinity refinement variants (issue #15). */
const CANDIDATES: { name: string; options: TagsToMasksOptions }[] = [
  { name: 'union (no walk)', options: { ...DEFAULT_TAGS_TO_MASKS, candidateWalk: null } },
  ...(
    [
      ['boundary', 8, 1],
      ['boundary', 8, 0.75],
      ['boundary', 8, 0.5],
      ['co-membership', 1, 1],
      ['co-membership', 1, 0.75],
      ['co-membership', 1, 0.5],
      ['co-membership', 2, 0.75],
      ['co-membership', 2, 0.5],
      ['co-membership', 4, 0.5],
    ] as const
  ).map(([rule, beta, level]) => ({
    name: `walk ${rule} beta ${beta} level ${level}`,
    options: { ...DEFAULT_TAGS_TO_MASKS, candidateWalk: { ...WALK, rule, beta, level } },
  })),
];

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

async function syntheticData(seed: number, nTrain: number, nTest: number) {
  const synthetic = (count: number, s: number, lesions?: [number, number]) =>
    generateSyntheticFaDataset({ count, size: 256, seed: s, ...(lesions ? { lesions } : {}) });
  return {
    train: [
      ...tagged(synthetic(nTrain, TAG_TRAIN_SEEDS.present), true),
      ...tagged(synthetic(nTrain, TAG_TRAIN_SEEDS.absent, [0, 0]), false),
    ],
    heldOutPresent: synthetic(nTest, seed),
    heldOutAbsent: synthetic(Math.ceil(nTest / 2), seed + 1, [0, 0]),
  };
}

/** bench:weak --quick's DRIVE training photographs (0-7), tuning photographs 8-13. */
async function driveData(seed: number) {
  const load = (s: number, lesions?: [number, number]) =>
    loadDrivePseudoFa({
      seed: s,
      dataDir: DRIVE_DIR,
      log: () => undefined,
      ...(lesions ? { lesions } : {}),
    });
  const present = await load(TAG_TRAIN_SEEDS.present);
  if (present.length === 0) throw new Error(`DRIVE not found at ${DRIVE_DIR}`);
  const absent = await load(TAG_TRAIN_SEEDS.absent, [0, 0]);
  return {
    train: [...tagged(present.slice(0, 8), true), ...tagged(absent.slice(0, 8), false)],
    heldOutPresent: (await load(seed)).slice(8, 14),
    heldOutAbsent: (await load(seed + 1, [0, 0])).slice(8, 11),
  };
}

async function main() {
  await selectTrainingBackend({ log: () => undefined });
  const seed = flag('seed', 1701);
  const i = process.argv.indexOf('--data');
  const dataName = i >= 0 ? process.argv[i + 1] : 'synthetic';
  const data =
    dataName === 'drive'
      ? await driveData(seed)
      : await syntheticData(seed, flag('train', 24), flag('test', 12));
  const starterDir = join(repoRoot, 'models', 'starter');
  for (const candidate of CANDIDATES) {
    const q = await measureTags(starterDir, 'starter', data, candidate.options);
    console.log(
      JSON.stringify({
        name: candidate.name,
        data: dataName,
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
