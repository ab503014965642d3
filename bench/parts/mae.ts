/**
 * MAE bench. Two questions, two sets:
 * - friendly set (issue #4, the top-level fields): does MAE pretraining of the image encoder help
 *   when few masks are labelled? For 25/50/100/200 masks of synthetic FA, the same fine-tuning
 *   (seed, steps, learning rate) starts once from the MAE-pretrained encoder and once from random
 *   init; box Dice on a held-out set (tfjs weights, crop grid). Writes bench/results/mae.png.
 * - new domain (issue #13.8, `ood`): a clinic's setting, from the starter: MAE on the unlabeled
 *   images of the out-of-distribution lesion domain, then fine-tuning on 10/25/50 of its masks,
 *   against the same without the MAE step, 3 seeds, mean and spread (mae/mae-on-new-domain.ts).
 *   Writes bench/results/mae-ood.png. Skipped with one line when DRIVE is absent.
 *
 *   npm run bench:mae [-- --quick] [-- --sets friendly|ood]   # both sets by default
 *   npm run bench:mae -- --sets ood --label-counts 25          # the #13 figure alone
 * A run of one set keeps the other set's fields from the previous mae.json (said in `carriedFrom`),
 * so the file's fields never disappear because a part of it was re-run.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { TINY_CONFIG } from '@loupe/model';
import {
  BASE_CONFIG,
  createSegmenter,
  fineTune,
  generateSyntheticFaDataset,
  loadPretrainedEncoder,
  pretrainMae,
  quickValidate,
  saveCheckpoint,
  selectTrainingBackend,
  type FineTuneSample,
} from '@loupe/model/node';
import { carriedFields as carriedFieldsOf } from '../lib/carried-fields';
import { isMeasurementError, measured } from '../lib/measured';
import { plotLines } from '../lib/plot';
import { repoRoot } from '../lib/repo-root';
import { plotMeanWithSpread } from '../lib/spread-lines';
import { runMaeOnNewDomain, type NewDomainMaeSizes } from '../mae/mae-on-new-domain';

const benchDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface MaeRow {
  masks: number;
  maeDice: number;
  randomDice: number;
  gain: number;
}

/**
 * Sizes per mode: full, quick (--quick), smoke (npm test: the same pretrain / fine-tune / validate
 * path on the tiny network, small images and a handful of masks; its one label count stands in
 * for 50 in gainAt50, so the figure only shows the path works, not what MAE buys).
 */
/** The new-domain (#13.8) sizes: product fine-tuning from the starter; smoke: tiny network, fresh. */
function newDomainSizes(options: {
  quick?: boolean;
  smoke?: boolean;
  labelCounts?: unknown;
}): NewDomainMaeSizes {
  const common = { seeds: [1, 2, 3], learningRate: 3e-4 }; // apps/trainer's product learning rate
  if (options.smoke)
    return {
      ...common,
      config: TINY_CONFIG,
      starterCheckpoint: null,
      labelCounts: [4],
      maeSteps: 2,
      imageSteps: 8,
      unlabeledImages: 2,
      labelledImages: 2,
      testImages: 1,
    };
  const quick = options.quick ?? false;
  return {
    ...common,
    config: BASE_CONFIG,
    starterCheckpoint: path.join(repoRoot, 'models', 'starter', 'checkpoint.safetensors'),
    labelCounts: parseLabelCounts(options.labelCounts) ?? [10, 25, 50],
    maeSteps: quick ? 30 : 150,
    imageSteps: quick ? 120 : 400,
    unlabeledImages: quick ? 48 : 200,
    labelledImages: quick ? 24 : 40,
    testImages: quick ? 8 : 24,
  };
}

/** `--label-counts 25` or `--label-counts 10,25`: positive integers, else a clear error. */
export function parseLabelCounts(value: unknown): number[] | null {
  if (value === undefined) return null;
  const counts = String(value).split(',').map(Number);
  if (counts.some((n) => !Number.isInteger(n) || n <= 0))
    throw new Error(
      `--label-counts: expected positive integers like 10,25,50, got "${String(value)}"`,
    );
  return counts;
}

/** The previous mae.json's result fields of the set not re-run now, with where they came from. */
export const carriedFields = (resultsDir: string, keep: (key: string) => boolean) =>
  carriedFieldsOf(resultsDir, 'mae', keep);

function sizes(options: { quick?: boolean; smoke?: boolean }) {
  if (options.smoke) {
    return {
      config: TINY_CONFIG,
      labelCounts: [8],
      maeSteps: 4,
      imageSteps: 16,
      imageSize: 64,
      unlabeled: 16,
      labelled: 8,
      heldOut: 4,
    };
  }
  const quick = options.quick ?? false;
  return {
    config: BASE_CONFIG,
    labelCounts: quick ? [25, 50] : [25, 50, 100, 200],
    maeSteps: quick ? 80 : 200,
    imageSteps: quick ? 240 : 600,
    imageSize: 256,
    unlabeled: quick ? 150 : 400,
    labelled: 100,
    heldOut: quick ? 15 : 30,
  };
}

export async function runMaeBench(
  options: {
    quick?: boolean;
    smoke?: boolean;
    resultsDir?: string;
    sets?: unknown;
    labelCounts?: unknown;
  } = {},
): Promise<Record<string, unknown>> {
  const sets = String(options.sets ?? 'friendly,ood').split(',');
  const unknown = sets.filter((s) => s !== 'friendly' && s !== 'ood');
  if (unknown.length > 0)
    throw new Error(`--sets: unknown set ${unknown.join(', ')} (friendly, ood or both)`);
  await selectTrainingBackend();
  const log = (line: string) => console.log(`[bench:mae] ${line}`);
  const resultsDir = options.resultsDir ?? path.join(benchDir, 'results');
  await mkdir(resultsDir, { recursive: true });
  const oodSizes = sets.includes('ood') ? newDomainSizes(options) : null;
  const result: Record<string, unknown> = sets.includes('friendly')
    ? await runFriendlySet(options, resultsDir, log)
    : options.smoke
      ? {}
      : await carriedFields(resultsDir, (key) => key !== 'ood' && key !== 'plots');
  const plots = result['plot'] ? ['mae.png'] : [];
  if (sets.includes('ood')) {
    const ood = await measured('mae/new domain', () =>
      runMaeOnNewDomain(oodSizes ?? newDomainSizes(options), log),
    );
    result['ood'] = ood;
    if (!isMeasurementError(ood)) {
      try {
        await plotMeanWithSpread({
          title: `New domain (${ood.init.split(' (')[0]}): box Dice after fine-tuning, ${ood.seeds.length} seeds`,
          xTitle: 'labelled masks of the new domain',
          yTitle: 'test Dice (evaluation split)',
          series: [
            {
              name: `MAE (${ood.unlabeledImages} unlabeled images) + fine-tuning`,
              points: ood.rows.map((r) => ({ x: r.masks, values: r.maeDice })),
            },
            {
              name: 'fine-tuning only',
              points: ood.rows.map((r) => ({ x: r.masks, values: r.plainDice })),
            },
          ],
          outFile: path.join(resultsDir, 'mae-ood.png'),
        });
        plots.push('mae-ood.png');
      } catch (error) {
        log(`plot not written: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
  if (!sets.includes('ood') && !options.smoke)
    Object.assign(result, await carriedFields(resultsDir, (key) => key === 'ood'));
  result['plots'] = plots;
  return result;
}

/** The friendly-set rows (issue #4): MAE init vs random init on synthetic FA. */
async function runFriendlySet(
  options: { quick?: boolean; smoke?: boolean },
  resultsDir: string,
  log: (line: string) => void,
): Promise<Record<string, unknown>> {
  const size = sizes(options);
  const config = size.config;
  const labelCounts = size.labelCounts;
  const maeSteps = size.maeSteps;
  // Same number of image-steps for every run: small sets get more epochs.
  const imageSteps = size.imageSteps;
  const unlabeled = generateSyntheticFaDataset({
    count: size.unlabeled,
    size: size.imageSize,
    seed: 501,
  });
  const labelled = generateSyntheticFaDataset({
    count: size.labelled,
    size: size.imageSize,
    seed: 502,
  });
  const heldOut = generateSyntheticFaDataset({
    count: size.heldOut,
    size: size.imageSize,
    seed: 503,
  });
  const pool: FineTuneSample[] = labelled.flatMap((d) =>
    d.lesions.map((mask) => ({ image: d.image, width: d.width, height: d.height, mask })),
  );
  const test: FineTuneSample[] = heldOut.flatMap((d) =>
    d.lesions.map((mask) => ({ image: d.image, width: d.width, height: d.height, mask })),
  );

  const dir = await mkdtemp(path.join(tmpdir(), 'loupe-mae-bench-'));
  const pretrainedPath = path.join(dir, 'mae.safetensors');
  const started = performance.now();
  const pretrained = createSegmenter(config, { seed: 1 });
  const mae = await pretrainMae({
    model: pretrained,
    images: unlabeled.map((d) => ({ pixels: d.image, width: d.width, height: d.height })),
    steps: maeSteps,
    batchSize: 8,
    seed: 1,
    onProgress: (p) => {
      if (p.step % 20 === 0) log(`MAE ${p.step}/${p.totalSteps} loss ${p.loss.toFixed(4)}`);
    },
  });
  await saveCheckpoint(pretrainedPath, { model: pretrained });
  pretrained.dispose();
  const maeSeconds = (performance.now() - started) / 1000;

  const rows: MaeRow[] = [];
  for (const n of labelCounts) {
    const samples = pool.slice(0, n);
    const epochs = Math.max(1, Math.round(imageSteps / n));
    const dice: Record<'mae' | 'random', number> = { mae: 0, random: 0 };
    for (const init of ['mae', 'random'] as const) {
      const model = createSegmenter(config, { seed: 1 });
      if (init === 'mae') await loadPretrainedEncoder(model, pretrainedPath);
      const result = await fineTune({
        model,
        samples,
        epochs,
        batchSize: 4,
        seed: 7,
        learningRate: 1e-3,
      });
      result.optimizer.dispose();
      dice[init] = quickValidate(model, test).dice;
      model.dispose();
      log(`${n} masks, ${init} init, ${epochs} epochs: held-out Dice ${dice[init].toFixed(3)}`);
    }
    rows.push({
      masks: n,
      maeDice: dice.mae,
      randomDice: dice.random,
      gain: dice.mae - dice.random,
    });
  }
  await rm(dir, { recursive: true, force: true });

  let plot: string | null = null;
  try {
    plot = path.join(resultsDir, 'mae.png');
    await plotLines({
      title: 'Box Dice after fine-tuning vs labelled masks',
      xTitle: 'labelled masks',
      yTitle: 'held-out Dice',
      series: [
        { name: 'MAE-pretrained encoder', points: rows.map((r) => ({ x: r.masks, y: r.maeDice })) },
        { name: 'random init', points: rows.map((r) => ({ x: r.masks, y: r.randomDice })) },
      ],
      outFile: plot,
    });
  } catch (error) {
    log(`plot not written: ${error instanceof Error ? error.message : String(error)}`);
    plot = null;
  }
  return {
    config: config.name,
    maeSteps,
    maeFinalLoss: mae.lossHistory.at(-1) ?? null,
    maeSeconds: Math.round(maeSeconds),
    imageStepsPerRun: imageSteps,
    heldOutObjects: test.length,
    metric: 'box-prompted Dice on the crop mask grid (tfjs weights), held-out synthetic FA',
    rows,
    // Smoke: its one (smaller) label count stands in for 50.
    gainAt50:
      rows.find((r) => r.masks === 50)?.gain ?? (options.smoke ? (rows[0]?.gain ?? null) : null),
    plot: plot ? path.relative(path.resolve(benchDir, '..'), plot) : null,
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const setsAt = process.argv.indexOf('--sets');
  runMaeBench({
    quick: process.argv.includes('--quick'),
    ...(setsAt > 0 ? { sets: process.argv[setsAt + 1] } : {}),
  })
    .then((r) => console.log(JSON.stringify(r, null, 2)))
    .catch((e: unknown) => {
      console.error(e);
      process.exit(1);
    });
}
