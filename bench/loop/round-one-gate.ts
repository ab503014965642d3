/**
 * Round 1 of the learning loop on the out-of-distribution lesion set (#13 item 6), in one process
 * and without the web app: does the round-1 candidate beat the starter on the project's held-out
 * split, under the plain Dice gate and the acceptance-Dice gate?
 *
 * As bench:loop does it, with the trainer's own pieces:
 * - the project's images: `--masks` (20) images of metaball-leakage-fa's 'domain' split (DRIVE
 *   backgrounds, lesions from the second generator; never the 'evaluation' split), seed `--seed`;
 * - the scripted annotator labels each image's largest lesion with the starter: box -> proposal ->
 *   clicks (the page's decodeClick path) until IoU ACCEPT_IOU or 20 clicks, then a brush fix (the
 *   saved mask is the ground truth); a proposal already at ACCEPT_IOU is saved as it is;
 * - the product's split rule (assignDatasetSplits, holdout 0.2, lesion-size buckets) in annotation
 *   order; the trainer's fine-tuning (createModelPort().fineTune, the product config: 4 epochs,
 *   batch 4, rate 3e-4, its fineTuneLevers unless `--levers JSON`) on the training masks;
 * - both models evaluated on the held-out saved masks (removeSpecks, model.evaluate) and gated with
 *   decidePromotion (Dice gate) and decideAcceptancePromotion (the trainer's gate now).
 * Also reported, not gated on: both models against the held-out images' ground truth, and box Dice
 * on `--test` (12) more ground-truth images of the domain split (another seed stream).
 * `--domain drive`: bench:loop's default data instead (DRIVE pseudo-FA, the loop's pool seed 101 for
 * seed 1 and its test set, seed 202), where the starter is already good and most held-out masks
 * are its unedited proposals.
 * Not modelled: self-training pseudo-masks (the loop's pool) and the web's upload path.
 *
 *   nice npx tsx bench/loop/round-one-gate.ts [--domain ood|drive] [--seed 1] [--masks 20] [--test 12] [--levers '{"emaDecay":0.9}'] [--out FILE]
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadDrivePseudoFa, loadMetaballLeakageFa, openModelDir } from '@loupe/model/node';
import { maskArea, type Mask } from '@loupe/prompts';
import {
  TRAINER_CONFIGS,
  assignDatasetSplits,
  createModelPort,
  decideAcceptancePromotion,
  decidePromotion,
  lesionSizeBucket,
  removeSpecks,
  type EvaluationMetrics,
  type ExportedModelFiles,
  type FineTuneLevers,
  type TrainingSample,
} from '@loupe/trainer/testing';
import { annotateWithClicks } from './annotate-with-clicks';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const seed = Number(flag('--seed') ?? 1);
const domain = flag('--domain') ?? 'ood';
if (domain !== 'ood' && domain !== 'drive')
  throw new Error(`--domain must be ood or drive, got ${domain}`);
const masks = Number(flag('--masks') ?? 20);
const testCount = Number(flag('--test') ?? 12);
const product = TRAINER_CONFIGS.product;
const levers: FineTuneLevers = flag('--levers')
  ? (JSON.parse(flag('--levers') as string) as FineTuneLevers)
  : product.fineTuneLevers;
const outFile =
  flag('--out') ?? join(repoRoot, '.artifacts', 'round-one-gate', `${domain}-seed-${seed}.json`);
// bench:loop's round: 4 epochs; the project's default hold-out share and NoC@90 allowance.
const EPOCHS = 4;
const HOLDOUT = 0.2;
const MAX_NOC90_REGRESSION = 0.5;
const MAX_CLICKS = 20;
const starterDir = join(repoRoot, 'models', 'starter');

const started = Date.now();
const log = (line: string) =>
  console.log(`[round-one-gate ${((Date.now() - started) / 1000).toFixed(0)} s] ${line}`);

const largest = (lesions: Mask[], union: Mask) => {
  let best = lesions[0] ?? union;
  for (const l of lesions) if (maskArea(l) > maskArea(best)) best = l;
  return best;
};
const gray = (pixels: Uint8Array, width: number, height: number) => {
  const out = new Float32Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) out[i] = (pixels[i] as number) / 255;
  return { width, height, pixels: out };
};
const files = (dir: string): ExportedModelFiles => ({
  dir,
  manifestPath: join(dir, 'manifest.json'),
  encoderPath: join(dir, 'encoder.onnx'),
  decoderPath: join(dir, 'decoder.onnx'),
});

const drive = domain === 'drive';
const pool = drive
  ? await loadDrivePseudoFa({ count: masks, seed: 100 + seed, lesions: [1, 3], log })
  : await loadMetaballLeakageFa({ split: 'domain', count: masks, seed, log });
if (pool.length === 0) throw new Error('no DRIVE data: both domains need ../shared/data');
const testSet = drive
  ? await loadDrivePseudoFa({ count: testCount, seed: 202, lesions: [1, 3], log })
  : await loadMetaballLeakageFa({ split: 'domain', count: testCount, seed: 1000 + seed, log });

// The scripted annotator with the starter, through the click path bench/loop/scripted-annotator.ts uses.
const starter = await openModelDir(starterDir);
const labeled: {
  id: string;
  image: ReturnType<typeof gray>;
  gt: Mask;
  saved: Mask;
  clicks: number;
  withoutEdit: boolean;
  brushed: boolean;
}[] = [];
for (const [i, s] of pool.entries()) {
  const gt = largest(s.lesions, s.mask);
  const { session, reached } = await annotateWithClicks(
    starter,
    { pixels: s.image, width: s.width, height: s.height, channels: 1 },
    gt,
    MAX_CLICKS,
  );
  labeled.push({
    id: `ood-${seed}-${i}`,
    image: gray(s.image, s.width, s.height),
    gt,
    saved: reached ? session.finalMask : gt,
    clicks: session.clicks.length,
    withoutEdit: reached && session.clicks.length === 0,
    brushed: !reached,
  });
}
await starter.release();
log(
  `annotated ${labeled.length} masks with the starter: ${labeled.filter((l) => l.withoutEdit).length} accepted without edit, ${labeled.filter((l) => l.brushed).length} brushed, ${(labeled.reduce((a, l) => a + l.clicks, 0) / labeled.length).toFixed(2)} clicks/mask`,
);

const splits = assignDatasetSplits(
  [],
  labeled.map((l, i) => ({
    imageId: l.id,
    bucket: lesionSizeBucket(maskArea(l.saved), l.saved.width * l.saved.height),
    firstAcceptedAt: new Date(i * 60_000),
  })),
  HOLDOUT,
);
const train = labeled.filter((l) => splits.get(l.id) === 'TRAIN');
const held = labeled.filter((l) => splits.get(l.id) === 'VALIDATION');
const asSample = (l: (typeof labeled)[number], mask: Mask): TrainingSample => ({
  image: l.image,
  mask,
  weight: 1,
});

const port = await createModelPort({ log });
const work = await mkdtemp(join(tmpdir(), 'round-one-gate-'));
try {
  const model = await port.loadCheckpoint(join(starterDir, 'checkpoint.safetensors'));
  const t0 = Date.now();
  const trained = await port.fineTune({
    model,
    samples: train.map((l) => asSample(l, l.saved)),
    epochs: EPOCHS,
    startEpoch: 0,
    freezeEncoder: product.freezeEncoder,
    levers,
    batchSize: product.batchSize,
    learningRate: product.learningRate,
    seed,
    onProgress: async () => {},
    onEpochEnd: async () => {},
    shouldStop: () => false,
  });
  const trainSeconds = (Date.now() - t0) / 1000;
  log(
    `fine-tuned on ${train.length} masks: ${trained.steps} steps in ${trainSeconds.toFixed(0)} s`,
  );
  const candidateFiles = await port.exportOnnx(model, join(work, 'candidate'), {
    version: `round-one-gate-${seed}`,
  });
  model.dispose();

  const evaluate = async (dir: ExportedModelFiles, samples: TrainingSample[]) =>
    port.evaluate(dir, samples);
  const savedTargets = held.map((l) => asSample(l, removeSpecks(l.saved)));
  const gtTargets = held.map((l) => asSample(l, l.gt));
  const testTargets = testSet.map((s) => ({
    image: gray(s.image, s.width, s.height),
    mask: largest(s.lesions, s.mask),
    weight: 1,
  }));
  const both = async (samples: TrainingSample[]) => ({
    active: await evaluate(files(starterDir), samples),
    candidate: await evaluate(candidateFiles, samples),
  });
  const onSaved = await both(savedTargets);
  const onGroundTruth = await both(gtTargets);
  const onTest = await both(testTargets);
  const diceGate = decidePromotion(onSaved.candidate, onSaved.active, MAX_NOC90_REGRESSION);
  const acceptanceGate = decideAcceptancePromotion(
    onSaved.candidate,
    onSaved.active,
    MAX_NOC90_REGRESSION,
  );
  const brief = (m: EvaluationMetrics) => ({
    dice: m.dice,
    acceptanceDice: m.acceptanceDice,
    noc90: m.noc90,
    objects: m.objects,
  });
  const result = {
    domain,
    seed,
    masks: labeled.length,
    train: train.length,
    heldOut: held.length,
    heldOutAcceptedWithoutEdit: held.filter((l) => l.withoutEdit).length,
    heldOutBrushed: held.filter((l) => l.brushed).length,
    clicksPerMask: labeled.reduce((a, l) => a + l.clicks, 0) / labeled.length,
    levers,
    epochs: EPOCHS,
    trainSeconds,
    heldOutSaved: { active: brief(onSaved.active), candidate: brief(onSaved.candidate) },
    heldOutGroundTruth: {
      active: brief(onGroundTruth.active),
      candidate: brief(onGroundTruth.candidate),
    },
    test: {
      images: testTargets.length,
      active: brief(onTest.active),
      candidate: brief(onTest.candidate),
    },
    diceGate,
    acceptanceGate,
    seconds: (Date.now() - started) / 1000,
  };
  await mkdir(dirname(outFile), { recursive: true });
  await writeFile(outFile, `${JSON.stringify(result, null, 2)}\n`);
  const f = (x: number) => x.toFixed(4);
  log(
    `seed ${seed}: held-out ${held.length} (${result.heldOutAcceptedWithoutEdit} unedited proposals). Saved masks: Dice cand ${f(onSaved.candidate.dice)} vs active ${f(onSaved.active.dice)}, acceptance cand ${f(onSaved.candidate.acceptanceDice)} vs active ${f(onSaved.active.acceptanceDice)}, NoC@90 ${onSaved.candidate.noc90.toFixed(2)} vs ${onSaved.active.noc90.toFixed(2)}`,
  );
  log(
    `  ground truth of the held-out: Dice cand ${f(onGroundTruth.candidate.dice)} vs active ${f(onGroundTruth.active.dice)}; test ${testTargets.length}: Dice cand ${f(onTest.candidate.dice)} vs active ${f(onTest.active.dice)}, NoC@90 ${onTest.candidate.noc90.toFixed(2)} vs ${onTest.active.noc90.toFixed(2)}`,
  );
  log(
    `  Dice gate: ${diceGate.promote ? 'PROMOTE' : 'keep'} (${diceGate.reason}); acceptance gate: ${acceptanceGate.promote ? 'PROMOTE' : 'keep'} (${acceptanceGate.reason}) -> ${outFile}`,
  );
} finally {
  await rm(work, { recursive: true, force: true });
}
