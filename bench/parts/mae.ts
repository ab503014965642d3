/**
 * MAE bench (issue #4): does MAE pretraining of the image encoder help when few masks are
 * labelled? For 25/50/100/200 masks, the same fine-tuning (seed, steps, learning rate) starts
 * once from the MAE-pretrained encoder and once from random init; box Dice on a held-out set
 * (tfjs weights, crop grid) is compared. Writes bench/results/mae.png.
 *
 *   npx tsx bench/parts/mae.ts [--quick]     # --quick: 25/50 masks, shorter pretraining
 *   npm run bench:mae
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
import { plotLines } from '../lib/plot';

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
  options: { quick?: boolean; smoke?: boolean; resultsDir?: string } = {},
): Promise<Record<string, unknown>> {
  const size = sizes(options);
  const config = size.config;
  await selectTrainingBackend();
  const log = (line: string) => console.log(`[bench:mae] ${line}`);
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

  const resultsDir = options.resultsDir ?? path.join(benchDir, 'results');
  await mkdir(resultsDir, { recursive: true });
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
  runMaeBench({ quick: process.argv.includes('--quick') })
    .then((r) => console.log(JSON.stringify(r, null, 2)))
    .catch((e: unknown) => {
      console.error(e);
      process.exit(1);
    });
}
