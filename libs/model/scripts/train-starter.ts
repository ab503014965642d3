/**
 * `npm run train:starter`: trains the starter model from a fixed seed on procedurally generated
 * FA-like images (MAE pretraining of the encoder, then SAM-style fine-tuning), exports
 * models/starter/ (manifest + ONNX + weights checkpoint) and evaluates it on a held-out set.
 * Flags: --out <dir> --mae-steps N --epochs N --images N --unlabeled N --seed N --config base|tiny
 *        --init <checkpoint> (start from these weights) --lr <rate>
 *        --freeze-encoder (fine-tune the prompt encoder and mask decoder only, e.g. to teach an
 *        --init model the mask prompt at a fraction of the cost)
 *        --click-rounds K (1..K click rounds per step, default 8) --gradient-click-rounds N|all
 *        (the last N carry a loss, default 2) --click-loss W (weight of the click-disc BCE,
 *        default 0) --soft-targets (cell-coverage targets instead of 0/1 cells)
 *        --dark-lesions S (share of hypofluorescent lesions in the training and unlabeled images,
 *        default 0; the held-out set keeps the default generator, so its figures stay comparable)
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { mkdir, writeFile } from 'node:fs/promises';
import { selectTrainingBackend, trainingGradientWorkers } from '../src/backend';
import { MODEL_CONFIGS } from '../src/config';
import { loadSegmenterFromCheckpoint, saveCheckpoint } from '../src/checkpoint/checkpoint';
import { generateSyntheticFaDataset } from '../src/data/synthetic-fa';
import { evaluateOnnxModel } from '../src/eval/evaluate-onnx-model';
import { exportModel } from '../src/export/export-model';
import { MODEL_FILES } from '../src/model-files';
import { createRng } from '../src/ops/seeded-random';
import { createSegmenter } from '../src/segmenter-model';
import { fineTune } from '../src/training/fine-tune';
import { pretrainMae, sampleMaeBatch } from '../src/training/mae';
import { renderMaeReconstruction } from '../src/training/mae-reconstruction';
import { quickValidate } from '../src/training/quick-validate';
import { toLuminance } from '../src/preprocess';
import { numberArg, parseArgs } from './cli-args';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const args = parseArgs(process.argv.slice(2));
const outDir = path.resolve(repoRoot, args.get('out') ?? 'models/starter');
const seed = numberArg(args, 'seed', 1);
const maeSteps = numberArg(args, 'mae-steps', 100);
const epochs = numberArg(args, 'epochs', 5);
const imageCount = numberArg(args, 'images', 160);
const unlabeledCount = numberArg(args, 'unlabeled', 200);
const config = MODEL_CONFIGS[args.get('config') ?? 'base'];
if (!config) throw new Error(`--config must be one of ${Object.keys(MODEL_CONFIGS).join(', ')}`);

const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0)}s`;
const log = (line: string) => console.log(`[train:starter ${elapsed()}] ${line}`);

await selectTrainingBackend({ log });
log(`config ${config.name}, seed ${seed}, out ${path.relative(repoRoot, outDir)}`);
const darkLesionShare = numberArg(args, 'dark-lesions', 0);
const train = generateSyntheticFaDataset({
  count: imageCount,
  size: 256,
  seed: seed * 1000 + 1,
  darkLesionShare,
});
const unlabeled = generateSyntheticFaDataset({
  count: unlabeledCount,
  size: 256,
  seed: seed * 1000 + 2,
  darkLesionShare,
});
const heldOut = generateSyntheticFaDataset({ count: 30, size: 256, seed: seed * 1000 + 3 });
const samples = train.flatMap((d) =>
  d.lesions.map((mask) => ({ image: d.image, width: d.width, height: d.height, mask })),
);
const heldOutSamples = heldOut.flatMap((d) =>
  d.lesions.map((mask) => ({ image: d.image, width: d.width, height: d.height, mask })),
);
log(
  `data: ${train.length} labelled images (${samples.length} lesions), ${unlabeled.length} unlabeled, ${heldOut.length} held-out (${heldOutSamples.length} lesions)`,
);

// --init <checkpoint>: continue from earlier weights (e.g. a previous starter) instead of random init.
const initFrom = args.get('init');
const model = initFrom
  ? (await loadSegmenterFromCheckpoint(path.resolve(initFrom), { expectConfig: config })).model
  : createSegmenter(config, { seed });
if (initFrom) log(`initialised from ${initFrom}`);
log(`parameters: ${model.parameterCount()}`);

if (maeSteps > 0) {
  const images = [...unlabeled, ...train].map((d) => ({
    pixels: d.image,
    width: d.width,
    height: d.height,
  }));
  await pretrainMae({
    model,
    images,
    steps: maeSteps,
    batchSize: 8,
    seed,
    onProgress: (p) => {
      if (p.step % 20 === 0 || p.step === 1 || p.step === p.totalSteps)
        log(
          `MAE step ${p.step}/${p.totalSteps} loss ${p.loss.toFixed(4)} (${p.msPerImage.toFixed(0)} ms/img)`,
        );
    },
  });
  await mkdir(outDir, { recursive: true });
  const recBatch = sampleMaeBatch(
    config,
    images.slice(0, 4).map((im) => ({
      lum: toLuminance(im.pixels, im.width, im.height),
      width: im.width,
      height: im.height,
    })),
    4,
    0.75,
    createRng(seed + 7),
  );
  const pngPath = path.join(repoRoot, '.artifacts/model/mae-reconstruction.png');
  await mkdir(path.dirname(pngPath), { recursive: true });
  await writeFile(pngPath, renderMaeReconstruction(model, recBatch));
  log(`MAE done; reconstructions in ${path.relative(repoRoot, pngPath)}`);
}

log(
  `before fine-tuning: held-out box Dice (tfjs, crop grid) ${quickValidate(model, heldOutSamples).dice.toFixed(3)}`,
);
const stepsPerEpoch = Math.ceil(samples.length / 4);
const gradientClickRounds =
  args.get('gradient-click-rounds') === 'all' ? 'all' : numberArg(args, 'gradient-click-rounds', 2);
const gradientWorkers = await trainingGradientWorkers(model.config);
const result = await fineTune({
  model,
  samples,
  epochs,
  batchSize: 4,
  ...(gradientWorkers ? { gradientWorkers } : {}),
  seed,
  learningRate: numberArg(args, 'lr', 1e-3),
  freeze: { imageEncoder: args.has('freeze-encoder') },
  maxClickRounds: numberArg(args, 'click-rounds', 8),
  gradientClickRounds: gradientClickRounds === 'all' ? Infinity : gradientClickRounds,
  clickLossWeight: numberArg(args, 'click-loss', 0),
  softTargets: args.has('soft-targets'),
  onProgress: (p) => {
    if (p.step % 25 === 0 || p.step === p.totalSteps)
      log(
        `fine-tune step ${p.step}/${p.totalSteps} epoch ${p.epoch + 1} loss ${p.loss.toFixed(4)} dice ${p.parts.dice.toFixed(3)} bce ${p.parts.bce.toFixed(3)} iou-mse ${p.parts.iou.toFixed(4)} (${p.msPerImage.toFixed(0)} ms/img)`,
      );
    if (p.step % stepsPerEpoch === 0)
      log(
        `epoch ${p.epoch + 1}: held-out box Dice (tfjs) ${quickValidate(model, heldOutSamples).dice.toFixed(3)}`,
      );
  },
});
log(`fine-tuning done: ${result.steps} steps`);
result.optimizer.dispose();

const version = `starter-${config.name}-seed${seed}`;
const exported = await exportModel(model, outDir, { version });
await saveCheckpoint(path.join(outDir, MODEL_FILES.checkpoint), {
  model,
  step: result.steps,
  metadata: { version, maeSteps, epochs, imageCount },
});
log(
  `exported ${path.relative(repoRoot, exported.files.encoder)} (${exported.manifest.encoder.bytes} B), decoder (${exported.manifest.decoder.bytes} B)`,
);

const evaluation = await evaluateOnnxModel({
  modelDir: outDir,
  samples: heldOut.map((d, i) => ({
    image: { pixels: d.image, width: d.width, height: d.height },
    gtMask: d.mask,
    id: `heldout-${i}`,
  })),
  maxClicks: 10,
});
const { miouAtK: _m, ...summary } = evaluation.summary;
log(
  `held-out (ONNX, ${summary.objects} lesions): Dice ${summary.dice.toFixed(3)} IoU ${summary.iou.toFixed(3)} HD95 ${summary.hd95.toFixed(2)} NoC@90 ${summary.noc90.toFixed(2)}`,
);
await exportModel(model, outDir, {
  version,
  training: {
    data: 'synthetic-fa (libs/model/src/data/synthetic-fa.ts)',
    seed,
    labelledImages: imageCount,
    labelledObjects: samples.length,
    unlabeledImages: unlabeledCount,
    maeSteps,
    fineTuneEpochs: epochs,
    initFrom: initFrom ?? null,
    freezeEncoder: args.has('freeze-encoder'),
    clickRounds: numberArg(args, 'click-rounds', 8),
    gradientClickRounds,
    clickLossWeight: numberArg(args, 'click-loss', 0),
    softTargets: args.has('soft-targets'),
    darkLesionShare,
    fineTuneSteps: result.steps,
    finalLoss: result.lossHistory.at(-1) ?? null,
    heldOut: summary,
    trainingSeconds: Math.round((Date.now() - started) / 1000),
  },
});
model.dispose();
log('done');
