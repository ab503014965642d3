/**
 * The learning loop end to end, on the real services: a database (real Postgres when one answers,
 * else embedded PGlite), the annotation save path the web uses (libs/db leases + saveAnnotation,
 * with the statistics the web's saveObjectMask computes, then submit), the trainer as its own
 * process (`node --import tsx apps/trainer/src/main.ts`, exactly what `npm start` runs: policy,
 * fine-tuning, promotion gate, active-learning scoring) and a simulated browser that is
 * subscribed to promotions (libs/db subscribeModelPromotions) and hot-swaps its ONNX model.
 *
 * A scripted annotator (libs/prompts runClickSession) works through the queue the server hands out
 * (leaseNextTask, highest active-learning priority first): box -> proposal from the model the
 * browser currently serves -> corrective clicks until IoU 0.9 (or a brush fix after 20 clicks) ->
 * accept. Every `masksPerRound` accepted masks the trainer's policy starts a round.
 *
 *   tsx bench/parts/loop.ts [--quick] [--rounds N] [--masks N] [--fresh-starter]
 *   npm run bench:loop [-- --quick]
 *
 * Figures per round: clicks per mask, share accepted without edit, proposal Dice, the model version
 * that served the round, and after the round's training the served model's validation Dice (the
 * project's held-out split, which grows each round) and its box Dice on a fixed synthetic test set.
 * `timeToPromotedSeconds`: from the round-1 20th accepted mask to the promoted model loaded by the
 * subscribed browser (null when the gate kept the starter; `timeToGateDecisionSeconds` is then the
 * time to the decision, which is when a passing candidate would have been promoted).
 * Data: DRIVE pseudo-FA (real retinal backgrounds, a domain the synthetic-trained starter has not
 * seen) when ../shared/data is present, else synthetic FA; --quick always uses small synthetic images.
 * The smoke run (npm test, `smoke: true`) runs the same loop -- database, save path, trainer process
 * with its policy, gate and scoring, promotion subscription -- with the trainer's tiny config
 * (TRAINER_CONFIG=tiny, a fresh tiny starter), 2 rounds of 4 masks on 64 px synthetic images.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createBlobStore,
  ensureStarterModel,
  leaseNextTask,
  saveAnnotation,
  subscribeModelPromotions,
  type BlobStore,
  type Db,
  type ModelVersion,
} from '@loupe/db';
import { createTestDatabaseOn, testDatabaseKinds } from '@loupe/db/testing';
import { BASE_CONFIG, MODEL_FILES, TINY_CONFIG, type ModelConfig } from '@loupe/model';
import {
  OnnxPredictor,
  createSegmenter,
  evaluateOnnxModel,
  exportModel,
  generateSyntheticFaDataset,
  loadDrivePseudoFa,
  loadSegmenterFromCheckpoint,
  saveCheckpoint,
  type SyntheticFaSample,
} from '@loupe/model/node';
import { boxFromMask, dice, encodeMaskBytes, intersectionArea, maskArea, maskBoundingBox, runClickSession, type Box, type Mask } from '@loupe/prompts';
import sharp from 'sharp';

export interface LoopBenchOptions {
  quick: boolean;
  rounds?: number;
  masksPerRound?: number;
  /** Start the project from an untrained segmenter instead of models/starter (shows the loop
   * learning from nothing; the trained starter is already near its ceiling on this data). */
  freshStarter?: boolean;
  /** Tiny sizes for the smoke test (npm test): the trainer's tiny config and a fresh tiny starter,
   * 2 rounds of 4 masks on 64 px images. The figures show the loop works, not how well. */
  smoke?: boolean;
  /** Given by bench/run.ts; unused here. */
  resultsDir?: string;
}

export interface LoopRound {
  round: number;
  masks: number;
  clicksPerMask: number;
  acceptedWithoutEditShare: number;
  /** Mean Dice of the box-only proposal against the object the annotator wanted. */
  proposalDice: number;
  /** Model version that served this round's proposals. */
  modelVersion: number;
  /** After this round's training: validation Dice of the model now served (project held-out split). */
  valDice: number | null;
  /** Same model, box Dice on a fixed synthetic test set (same images every round). */
  testDice: number | null;
  candidateVersion: number | null;
  promoted: boolean;
  gateReason: string;
  /** Seconds from the round's last accepted mask to the promoted model loaded in the browser (null: not promoted). */
  secondsToPromotedInBrowser: number | null;
  /** Seconds from the round's last accepted mask to the gate's decision (run finished). */
  secondsToGateDecision: number | null;
  trainSeconds: number | null;
}

export interface LoopBenchResult {
  config: { trainerConfig: 'product' | 'tiny'; rounds: number; masksPerRound: number; data: string; epochs: number; database: string; starter: string };
  rounds: LoopRound[];
  timeToPromotedSeconds: number | null;
  timeToGateDecisionSeconds: number | null;
  clicksPerMaskChange: number;
  valDiceChange: number | null;
  testDiceChange: number | null;
}

const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const MAX_CLICKS = 20;

/** The browser: the model it serves, swapped when a promotion notice arrives. */
class SimulatedBrowser {
  model: { version: ModelVersion; predictor: OnnxPredictor } | null = null;
  private swaps: { modelVersionId: string; at: number }[] = [];
  private loading: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Db,
    private readonly artifacts: BlobStore,
  ) {}

  /** Fetches the version's files from the artifact store (checking their hashes) and opens them. */
  async load(versionId: string): Promise<void> {
    const version = await this.db.modelVersion.findUniqueOrThrow({ where: { id: versionId } });
    const read = async (key: string | null, sha256: string | null) => {
      if (!key || !sha256) throw new Error(`model v${version.version} has no stored files`);
      const bytes = new Uint8Array(await this.artifacts.get(key));
      if (createHash('sha256').update(bytes).digest('hex') !== sha256) throw new Error(`artifact ${key} does not match its hash`);
      return bytes;
    };
    const manifest = JSON.parse(new TextDecoder().decode(await read(version.manifestKey, version.manifestSha256))) as unknown;
    const predictor = await OnnxPredictor.create({
      manifest,
      encoder: await read(version.encoderKey, version.encoderSha256),
      decoder: await read(version.decoderKey, version.decoderSha256),
    });
    const previous = this.model;
    this.model = { version, predictor };
    this.swaps.push({ modelVersionId: versionId, at: performance.now() });
    await previous?.predictor.release();
  }

  onPromotion(modelVersionId: string): void {
    this.loading = this.loading.then(() => this.load(modelVersionId));
  }

  swappedTo(modelVersionId: string): number | null {
    return this.swaps.find((s) => s.modelVersionId === modelVersionId)?.at ?? null;
  }

  async settle(): Promise<void> {
    await this.loading;
  }

  async close(): Promise<void> {
    await this.settle();
    await this.model?.predictor.release();
  }
}

/** The trainer worker as `npm start` runs it, in its own process. */
function startTrainer(env: Record<string, string>, output: string[]): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'apps/trainer/src/main.ts'], {
    cwd: repoRoot,
    env: { PATH: process.env['PATH'] ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = (chunk: Buffer) => {
    output.push(chunk.toString());
    if (output.length > 400) output.splice(0, output.length - 400);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return child;
}

async function createFreshStarter(dir: string, config: ModelConfig): Promise<string> {
  const model = createSegmenter(config, { seed: 7 });
  try {
    await exportModel(model, dir, { version: `${config.name}-fresh-starter` });
    await saveCheckpoint(join(dir, 'checkpoint.safetensors'), { model });
  } finally {
    model.dispose();
  }
  return dir;
}

/**
 * The repository's starter (models/starter) when its checkpoint fits the current network; else a
 * fresh product-config segmenter, so the loop still runs while the starter is being retrained.
 */
async function productStarter(root: string): Promise<{ dir: string; note: string }> {
  const dir = join(repoRoot, 'models/starter');
  try {
    const { model } = await loadSegmenterFromCheckpoint(join(dir, 'checkpoint.safetensors'), { expectConfig: BASE_CONFIG });
    model.dispose();
    const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as { version?: string };
    return { dir, note: `models/starter (${manifest.version ?? 'unversioned'})` };
  } catch (error) {
    const reason = (error as Error).message.split('\n')[0] ?? '';
    return { dir: await createFreshStarter(join(root, 'starter'), BASE_CONFIG), note: `fresh base segmenter (models/starter unusable: ${reason.slice(0, 160)})` };
  }
}

async function waitUntil<T>(what: string, probe: () => Promise<T | null>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`loop bench: timed out waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 100));
  }
}

function largestLesion(sample: SyntheticFaSample): Mask {
  let best = sample.lesions[0] ?? sample.mask;
  for (const lesion of sample.lesions) if (maskArea(lesion) > maskArea(best)) best = lesion;
  return best;
}

/** One annotation as the scripted annotator makes it in the browser. */
async function annotate(predictor: OnnxPredictor, sample: SyntheticFaSample, gt: Mask) {
  const image = { pixels: sample.image, width: sample.width, height: sample.height, channels: 1 as const };
  const box: Box = boxFromMask(gt);
  const embedding = await predictor.embed(image, box);
  const proposal = await predictor.decode(embedding, box, []);
  const session = await runClickSession({
    gt,
    box,
    maxClicks: MAX_CLICKS,
    targetIou: 0.9,
    predict: async (b, clicks) => (clicks.length === 0 ? proposal : await predictor.decode(embedding, b, clicks)).probabilities,
  });
  const reached = (session.iouPerClick.at(-1) ?? 0) >= 0.9;
  // Good enough after the box (and clicks): accepted as is; otherwise a brush fix to the object.
  const final = reached ? session.finalMask : gt;
  return {
    proposal: proposal.mask,
    final,
    clicks: session.clicks.length,
    brushStrokes: reached ? 0 : 1,
    proposalDice: dice(proposal.mask, gt),
    acceptedWithoutEdit: session.clicks.length === 0 && reached,
  };
}

async function addImages(db: Db, blobs: BlobStore, projectId: string, samples: SyntheticFaSample[]): Promise<Map<string, SyntheticFaSample>> {
  const byImage = new Map<string, SyntheticFaSample>();
  for (const [index, sample] of samples.entries()) {
    const png = await sharp(Buffer.from(sample.image), { raw: { width: sample.width, height: sample.height, channels: 1 } }).png().toBuffer();
    const stored = await blobs.put(png, { ext: '.png' });
    const image = await db.image.create({
      data: {
        projectId,
        fileName: `synthetic-${index}.png`,
        mimeType: 'image/png',
        width: sample.width,
        height: sample.height,
        channels: 1,
        bitDepth: 8,
        storageKey: stored.key,
        pixelsKey: stored.key,
        thumbnailKey: stored.key,
        sizeBytes: stored.bytes,
        sha256: stored.sha256,
      },
    });
    await db.task.create({ data: { projectId, imageId: image.id } });
    byImage.set(image.id, sample);
  }
  return byImage;
}

/**
 * Saves an accepted object and submits the task, as the web's saveObjectMask + submitTask do:
 * server-side statistics, libs/db saveAnnotation (live lease, one transaction), then SUBMITTED.
 */
async function saveAcceptedMask(
  db: Db,
  input: { taskId: string; userId: string; final: Mask; proposal: Mask; modelVersionId: string; clicks: number; brushStrokes: number },
): Promise<void> {
  const box = maskBoundingBox(input.final);
  if (!box) throw new Error('the accepted mask is empty');
  const area = maskArea(input.final);
  const proposalArea = maskArea(input.proposal);
  const overlap = intersectionArea(input.proposal, input.final);
  const editPixels = proposalArea + area - 2 * overlap;
  await saveAnnotation(db, {
    taskId: input.taskId,
    userId: input.userId,
    objectId: 'lesion-1',
    width: input.final.width,
    height: input.final.height,
    finalRle: encodeMaskBytes(input.final),
    proposalRle: encodeMaskBytes(input.proposal),
    modelVersionId: input.modelVersionId,
    area,
    bboxX0: box.x0,
    bboxY0: box.y0,
    bboxX1: box.x1,
    bboxY1: box.y1,
    editPixels,
    proposalDice: (2 * overlap) / Math.max(1, proposalArea + area),
    proposalIou: overlap / Math.max(1, proposalArea + area - overlap),
    clicks: input.clicks,
    brushStrokes: input.brushStrokes,
    activeSeconds: 2 + 1.5 * input.clicks + 8 * input.brushStrokes,
    acceptedWithoutEdit: editPixels === 0 && input.brushStrokes === 0,
  });
  const submitted = await db.task.updateMany({
    where: { id: input.taskId, status: 'IN_PROGRESS', leaseHolderId: input.userId },
    data: { status: 'SUBMITTED', leaseHolderId: null, leaseExpiresAt: null, revision: { increment: 1 } },
  });
  if (submitted.count !== 1) throw new Error(`task ${input.taskId} could not be submitted (lease lost?)`);
}

async function testDiceOf(predictor: OnnxPredictor, testSet: SyntheticFaSample[]): Promise<number> {
  const summary = await evaluateOnnxModel({
    predictor,
    samples: testSet.map((s, i) => ({ image: { pixels: s.image, width: s.width, height: s.height, channels: 1 }, gtMask: largestLesion(s), id: String(i) })),
    maxClicks: 0,
  });
  return summary.dice;
}

export async function runLoopBench(options: LoopBenchOptions): Promise<LoopBenchResult> {
  const quick = options.quick;
  // Quick mode keeps the product network (the tiny test network learns nothing useful from a few
  // dozen masks) and shrinks the loop: fewer, smaller rounds on smaller images.
  // The smoke run swaps in the tiny network (seconds per round); the loop itself is unchanged.
  const smoke = options.smoke ?? false;
  const rounds = options.rounds ?? (smoke || quick ? 2 : 5);
  const masksPerRound = options.masksPerRound ?? (smoke ? 4 : quick ? 10 : 20);
  const imageSize = smoke ? 64 : quick ? 128 : 256;
  const epochs = 4;
  const trainerConfig: LoopBenchResult['config']['trainerConfig'] = smoke ? 'tiny' : 'product';
  const log = (line: string) => console.log(`[loop] ${line}`);

  const kinds = await testDatabaseKinds();
  const database = await createTestDatabaseOn(kinds.includes('postgres') ? 'postgres' : 'embedded', { poolSize: 6 });
  const root = await mkdtemp(join(tmpdir(), 'loupe-loop-bench-'));
  const starter = smoke
    ? { dir: await createFreshStarter(join(root, 'starter'), TINY_CONFIG), note: 'fresh tiny segmenter (smoke)' }
    : options.freshStarter
    ? { dir: await createFreshStarter(join(root, 'starter'), BASE_CONFIG), note: 'fresh base segmenter (--fresh-starter)' }
    : await productStarter(root);
  const starterDir = starter.dir;
  log(`starter: ${starter.note}`);
  const artifacts = createBlobStore(join(root, 'artifacts'));
  const blobs = createBlobStore(join(root, 'blobs'));
  const trainerEnv: Record<string, string> = {
    DATABASE_URL: database.url,
    DATA_DIR: root,
    ARTIFACT_DIR: artifacts.rootDir,
    BLOB_DIR: blobs.rootDir,
    STARTER_MODEL_DIR: starterDir,
    TRAINER_CONFIG: trainerConfig,
    TRAINER_WORKER_ID: 'loop-bench-trainer',
    TRAINER_POLL_INTERVAL_MS: '250',
    TRAINER_POLICY_INTERVAL_MS: '1000',
  };
  const trainerOutput: string[] = [];
  const db = database.db;
  const browser = new SimulatedBrowser(db, artifacts);
  let unsubscribe: (() => Promise<void>) | null = null;
  let trainer: ChildProcess | null = null;

  try {
    // The pool is larger than what gets labeled, so active learning has a choice. The project's
    // images come from another domain than the starter's training data (real DRIVE backgrounds,
    // where available) as a new clinic's images would; the synthetic generator is the fallback.
    const poolCount = rounds * masksPerRound + (smoke ? masksPerRound : Math.max(20, masksPerRound * 2));
    const testCount = smoke ? 4 : quick ? 12 : 24;
    const drivePool = quick || smoke ? [] : await loadDrivePseudoFa({ count: poolCount, seed: 101, lesions: [1, 3], log });
    const driveTest = drivePool.length > 0 ? await loadDrivePseudoFa({ count: testCount, seed: 202, lesions: [1, 3], log }) : [];
    const dataSource = drivePool.length > 0 ? 'DRIVE pseudo-FA (565x584)' : `synthetic FA (${imageSize}x${imageSize})`;
    const pool = drivePool.length > 0 ? drivePool : generateSyntheticFaDataset({ count: poolCount, size: imageSize, seed: 101, lesions: [1, 3] });
    const testSet = driveTest.length > 0 ? driveTest : generateSyntheticFaDataset({ count: testCount, size: imageSize, seed: 202, lesions: [1, 3] });
    log(`data: ${dataSource}, ${pool.length} pool images, ${testSet.length} fixed test images`);
    const user = await db.user.create({ data: { email: 'scripted-annotator@loop.bench', name: 'Scripted annotator', passwordHash: 'x' } });
    const project = await db.project.create({
      data: {
        slug: 'loop-bench',
        name: 'Loop bench',
        finetuneMinNewMasks: masksPerRound,
        finetuneEpochs: epochs,
        pretrainMinNewImages: 1_000_000,
        // Smoke: 4 masks per round in up to 3 lesion-size buckets; at the default 20% a bucket's
        // first validation image comes at its 3rd image, so round 1 could have none. At 34% it
        // comes at the 2nd, and 4 masks always put 2 in some bucket.
        ...(smoke ? { holdoutFraction: 0.34 } : {}),
      },
    });
    await db.membership.create({ data: { userId: user.id, projectId: project.id, role: 'ANNOTATOR' } });
    const samples = await addImages(db, blobs, project.id, pool);
    const starterVersion = await ensureStarterModel(db, artifacts, project.id, starterDir);
    await browser.load(starterVersion.id);
    unsubscribe = await subscribeModelPromotions(database.url, (event) => {
      if (event.projectId === project.id) browser.onPromotion(event.modelVersionId);
    }, { intervalMs: 250 });

    // The trainer runs beside the annotator, as `npm start` runs it beside the web app.
    trainer = startTrainer(trainerEnv, trainerOutput);

    const results: LoopRound[] = [];
    for (let round = 1; round <= rounds; round++) {
      const served = browser.model;
      if (!served) throw new Error('the browser has no model');
      let clicks = 0;
      let withoutEdit = 0;
      let proposalDiceSum = 0;
      for (let i = 0; i < masksPerRound; i++) {
        const task = await leaseNextTask(db, { projectId: project.id, userId: user.id, leaseSeconds: 600 });
        if (!task) throw new Error('the queue ran out of images');
        const sample = samples.get(task.imageId);
        if (!sample) throw new Error(`unknown image ${task.imageId}`);
        const gt = largestLesion(sample);
        const done = await annotate(served.predictor, sample, gt);
        clicks += done.clicks;
        withoutEdit += done.acceptedWithoutEdit ? 1 : 0;
        proposalDiceSum += done.proposalDice;
        await saveAcceptedMask(db, {
          taskId: task.id,
          userId: user.id,
          final: done.final,
          proposal: done.proposal,
          modelVersionId: served.version.id,
          clicks: done.clicks,
          brushStrokes: done.brushStrokes,
        });
      }
      const lastMaskAt = performance.now();
      const lastMaskWallClock = Date.now();
      log(`round ${round}: ${masksPerRound} masks with v${served.version.version}, ${(clicks / masksPerRound).toFixed(2)} clicks/mask, proposal Dice ${(proposalDiceSum / masksPerRound).toFixed(3)}`);

      // The policy sees the new masks and queues the round; wait for its outcome.
      const run = await waitUntil(
        `round ${round}'s training run`,
        async () => {
          const runs = await db.trainingRun.findMany({ where: { projectId: project.id, kind: 'FINETUNE' }, orderBy: { createdAt: 'asc' } });
          const current = runs[round - 1];
          return current && (current.status === 'SUCCEEDED' || current.status === 'FAILED') ? current : null;
        },
        60 * 60_000,
      );
      if (run.status === 'FAILED') throw new Error(`round ${round} training failed: ${run.error}\n${trainerOutput.join('').slice(-4000)}`);
      const metrics = run.metrics as { candidate: { dice: number; version: number }; active: { dice: number }; promoted: boolean; reason: string };
      let secondsToPromoted: number | null = null;
      if (metrics.promoted && run.resultModelVersionId) {
        const candidateId = run.resultModelVersionId;
        const swappedAt = await waitUntil('the browser to load the promoted model', async () => browser.swappedTo(candidateId), 120_000);
        secondsToPromoted = (swappedAt - lastMaskAt) / 1000;
      }
      // Let active-learning scoring finish before the next round leases images.
      await waitUntil('the queue to drain', async () => ((await db.job.count({ where: { projectId: project.id, status: { in: ['QUEUED', 'RUNNING'] } } })) === 0 ? true : null), 30 * 60_000);
      await browser.settle();
      const nowServed = browser.model;
      const testDice = nowServed ? await testDiceOf(nowServed.predictor, testSet) : null;
      const trainSeconds = run.startedAt && run.finishedAt ? (run.finishedAt.getTime() - run.startedAt.getTime()) / 1000 : null;
      results.push({
        round,
        masks: masksPerRound,
        clicksPerMask: clicks / masksPerRound,
        acceptedWithoutEditShare: withoutEdit / masksPerRound,
        proposalDice: proposalDiceSum / masksPerRound,
        modelVersion: served.version.version,
        valDice: metrics.promoted ? metrics.candidate.dice : metrics.active.dice,
        testDice,
        candidateVersion: metrics.candidate.version,
        promoted: metrics.promoted,
        gateReason: metrics.reason,
        secondsToPromotedInBrowser: secondsToPromoted,
        secondsToGateDecision: run.finishedAt ? (run.finishedAt.getTime() - lastMaskWallClock) / 1000 : null,
        trainSeconds,
      });
      log(
        `round ${round}: candidate v${metrics.candidate.version} ${metrics.promoted ? 'promoted' : 'kept'} (${metrics.reason}); served val Dice ${results.at(-1)?.valDice?.toFixed(3)}, test Dice ${testDice?.toFixed(3)}; train ${trainSeconds?.toFixed(0)} s${secondsToPromoted !== null ? `, in browser ${secondsToPromoted.toFixed(1)} s after the last mask` : ''}`,
      );
    }

    // The model served at the end stays behind for `bench:quality` as "the latest trained model".
    if (!smoke && !quick && browser.model) await keepServedModel(browser.model.version, artifacts, join(repoRoot, '.data', 'bench', 'loop-latest'));

    const first = results[0];
    const last = results.at(-1);
    const firstPromoted = results.find((r) => r.secondsToPromotedInBrowser !== null);
    return {
      config: { trainerConfig, rounds, masksPerRound, data: dataSource, epochs, database: database.kind, starter: starter.note },
      rounds: results,
      timeToPromotedSeconds: firstPromoted?.round === 1 ? firstPromoted.secondsToPromotedInBrowser : null,
      timeToGateDecisionSeconds: first?.secondsToGateDecision ?? null,
      clicksPerMaskChange: (last?.clicksPerMask ?? 0) - (first?.clicksPerMask ?? 0),
      valDiceChange: first?.valDice != null && last?.valDice != null ? last.valDice - first.valDice : null,
      testDiceChange: first?.testDice != null && last?.testDice != null ? last.testDice - first.testDice : null,
    };
  } finally {
    if (trainer && trainer.exitCode === null) {
      const exited = new Promise((done) => trainer?.once('exit', done));
      trainer.kill('SIGTERM');
      await exited;
    }
    await unsubscribe?.();
    await browser.close();
    await database.close();
    await rm(root, { recursive: true, force: true });
  }
}

/** Writes a registered version's files (hashes checked by the store's keys) as a model folder. */
async function keepServedModel(version: ModelVersion, artifacts: BlobStore, dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const files: Array<[string | null, string | null, string]> = [
    [version.manifestKey, version.manifestSha256, MODEL_FILES.manifest],
    [version.encoderKey, version.encoderSha256, MODEL_FILES.encoder],
    [version.decoderKey, version.decoderSha256, MODEL_FILES.decoder],
  ];
  for (const [key, sha256, name] of files) {
    if (!key || !sha256 || !(await artifacts.verify(key, sha256))) throw new Error(`model v${version.version}: ${name} is missing or does not match its sha256`);
    await writeFile(join(dir, name), await artifacts.get(key));
  }
  console.log(`[loop] kept the served model v${version.version} in ${dir} for bench:quality`);
}

// Standalone: tsx bench/parts/loop.ts [--quick] [--rounds N] [--masks N] [--fresh-starter]
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const flag = (name: string) => {
    const index = args.indexOf(name);
    return index >= 0 ? Number(args[index + 1]) : undefined;
  };
  const rounds = flag('--rounds');
  const masksPerRound = flag('--masks');
  runLoopBench({
    quick: args.includes('--quick'),
    freshStarter: args.includes('--fresh-starter'),
    ...(rounds ? { rounds } : {}),
    ...(masksPerRound ? { masksPerRound } : {}),
  }).then(
    (result) => console.log(JSON.stringify(result, null, 2)),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}

