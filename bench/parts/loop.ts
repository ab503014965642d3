/**
 * The learning loop end to end, through the product as people use it: real Postgres (the
 * embedded database in its own process when no Postgres answers), the web app (its production
 * build under `next start`), the trainer as its own process (`node --import tsx
 * apps/trainer/src/main.ts`, what `npm start` runs: policy, fine-tuning, promotion gate,
 * active-learning scoring), and a scripted annotator that works only through HTTP: the tRPC API
 * (queue.next, events.record, annotations.save, tasks.submit), the image route, and the
 * model-events stream plus model-file route the annotate page hot-swaps from
 * (loop/scripted-annotator.ts, loop/subscribed-browser.ts).
 *
 * Set-up goes through the product too: a site admin signs in, creates the project (the web app
 * registers the starter model), sets its training policy (masks per round, epochs, hold-out
 * share), adds the annotator and uploads the images. Only the two accounts are made directly,
 * with the web's own service: Loupe has no sign-up page.
 *
 * Per image: "next image" (highest active-learning priority first) -> box -> proposal from the
 * model the subscribed page serves -> corrective clicks until IoU 0.9 (a brush fix after 20
 * clicks) -> accept -> submit. Every `masksPerRound` accepted masks the trainer's policy starts a
 * round; the next round begins once its outcome is known (and, when promoted, loaded by the page).
 *
 *   tsx bench/parts/loop.ts [--quick] [--rounds N] [--masks N] [--fresh-starter] [--data DIR]
 *   npm run bench:loop [-- --quick] [-- --data DIR]
 *
 * Figures per round: clicks per mask, annotator seconds per mask (as recorded), share accepted
 * without edit, proposal Dice, the model version that served the round, and after the round's
 * training the served model's validation Dice (the project's held-out split, which grows each
 * round) and its box Dice on a fixed test set.
 * `timeToPromotedSeconds`: from the round-1 last accepted mask to the promoted model loaded by the
 * subscribed page (null when the gate kept the starter; `timeToGateDecisionSeconds` is then the
 * time to the decision, which is when a passing candidate would have been promoted).
 * Data: DRIVE pseudo-FA (real retinal backgrounds, a domain the synthetic-trained starter has not
 * seen) when ../shared/data is present, else synthetic FA; --quick always uses small synthetic images.
 * `--data DIR`: a team's own labeled folder instead (images/*.png, masks/*.png with the same
 * names, objects = connected components; loop/labeled-folder-data.ts): 20% of its images (at most
 * 24, 12 with --quick) are the fixed test set, the rest the project's images; each image's
 * largest object is the one the annotator labels, as with the built-in data. From the shipped
 * starter unless --fresh-starter, so a team can estimate what Loupe saves on its data.
 * The smoke run (npm test, `smoke: true`) runs the same loop -- web app, HTTP annotator, trainer
 * process with its policy, gate and scoring, model-events subscription -- with the trainer's tiny
 * config (TRAINER_CONFIG=tiny, a fresh tiny starter), 2 rounds of 4 masks on 64 px synthetic images.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createBlobStore, createDb, type BlobStore, type Db, type ModelVersion } from '@loupe/db';
import { createTestDatabaseOn, testDatabaseKinds } from '@loupe/db/testing';
import {
  BASE_CONFIG,
  MODEL_FILES,
  TINY_CONFIG,
  type ModelConfig,
  type SamPredictor,
} from '@loupe/model';
import {
  createSegmenter,
  evaluateOnnxModel,
  exportModel,
  generateSyntheticFaDataset,
  loadDrivePseudoFa,
  loadSegmenterFromCheckpoint,
  saveCheckpoint,
  type SyntheticFaSample,
} from '@loupe/model/node';
import { maskArea, type Mask } from '@loupe/prompts';
import sharp from 'sharp';
// Accounts are made with the web app's own service (no sign-up page: an operator creates them).
import { upsertUser } from '@loupe/web/testing';
import { waitUntil } from '../lib/wait-until';
import { folderLoopData } from '../loop/labeled-folder-data';
import { annotateNextImage } from '../loop/scripted-annotator';
import { SubscribedBrowser } from '../loop/subscribed-browser';
import { startEmbeddedDatabaseProcess } from '../speed/bench-web-app';
import { TrpcSession } from '../speed/trpc-http';
import { startWebApp, type RunningWebApp } from '../speed/web-app';

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
  /** A labeled folder (images/, masks/) to run on instead of the built-in data. */
  data?: string;
  /** Given by bench/run.ts; unused here. */
  resultsDir?: string;
}

export interface LoopRound {
  round: number;
  masks: number;
  clicksPerMask: number;
  /** Mean annotator time per saved mask as the product recorded it (Annotation.activeSeconds;
   * the scripted annotator's time is modelled: 2 s per box, 1.5 s per click, 8 s per brush fix). */
  activeSecondsPerMask: number | null;
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
  /** The gate that decided ('acceptance-dice'; 'dice' for runs recorded before it existed), and
   * what the plain Dice gate would have decided (null where the run did not record it). */
  gate: { name: string; dicePromote: boolean | null; diceReason: string | null };
  /** Seconds from the round's last accepted mask to the promoted model loaded in the browser (null: not promoted). */
  secondsToPromotedInBrowser: number | null;
  /** Seconds from the round's last accepted mask to the gate's decision (run finished). */
  secondsToGateDecision: number | null;
  trainSeconds: number | null;
}

export interface LoopBenchResult {
  config: {
    trainerConfig: 'product' | 'tiny';
    rounds: number;
    masksPerRound: number;
    data: string;
    epochs: number;
    database: string;
    starter: string;
    annotator: string;
  };
  /** How the figures were made, for the report. */
  notes: string;
  rounds: LoopRound[];
  /** What the annotator's HTTP calls left in the database at the end. */
  recorded: { masks: number; submittedTasks: number; interactionEvents: number };
  timeToPromotedSeconds: number | null;
  timeToGateDecisionSeconds: number | null;
  clicksPerMaskChange: number;
  valDiceChange: number | null;
  testDiceChange: number | null;
}

const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const MAX_CLICKS = 20;
const PASSWORD = 'loop-bench-password';
const ADMIN_EMAIL = 'loop-admin@loupe.local';
const ANNOTATOR_EMAIL = 'scripted-annotator@loupe.local';

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
    const { model } = await loadSegmenterFromCheckpoint(join(dir, 'checkpoint.safetensors'), {
      expectConfig: BASE_CONFIG,
    });
    model.dispose();
    const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as {
      version?: string;
    };
    return { dir, note: `models/starter (${manifest.version ?? 'unversioned'})` };
  } catch (error) {
    const reason = (error as Error).message.split('\n')[0] ?? '';
    return {
      dir: await createFreshStarter(join(root, 'starter'), BASE_CONFIG),
      note: `fresh base segmenter (models/starter unusable: ${reason.slice(0, 160)})`,
    };
  }
}

function largestLesion(sample: SyntheticFaSample): Mask {
  let best = sample.lesions[0] ?? sample.mask;
  for (const lesion of sample.lesions) if (maskArea(lesion) > maskArea(best)) best = lesion;
  return best;
}

async function testDiceOf(predictor: SamPredictor, testSet: SyntheticFaSample[]): Promise<number> {
  const summary = await evaluateOnnxModel({
    predictor,
    samples: testSet.map((s, i) => ({
      image: { pixels: s.image, width: s.width, height: s.height, channels: 1 },
      gtMask: largestLesion(s),
      id: String(i),
    })),
    maxClicks: 0,
  });
  return summary.dice;
}

interface LoopDatabase {
  url: string;
  db: Db;
  kind: 'postgres' | 'embedded';
  close(): Promise<void>;
}

/** Real Postgres (a fresh loupe_test_* database) when it answers; else the embedded database in its own process. */
async function openLoopDatabase(): Promise<LoopDatabase> {
  if ((await testDatabaseKinds()).includes('postgres')) {
    const database = await createTestDatabaseOn('postgres', { poolSize: 4 });
    return { url: database.url, db: database.db, kind: 'postgres', close: () => database.close() };
  }
  // Its own process, as `npm start` runs it: PGlite in this one would stall while the annotator predicts.
  const embedded = await startEmbeddedDatabaseProcess();
  const db = createDb(embedded.url, { poolSize: 4 });
  return {
    url: embedded.url,
    db,
    kind: 'embedded',
    close: async () => {
      await db.$disconnect();
      await embedded.stop();
    },
  };
}

/** Uploads each sample as a PNG through the upload route (as the upload page does); returns image id -> sample. */
async function uploadImages(
  admin: TrpcSession,
  projectId: string,
  samples: SyntheticFaSample[],
  log: (line: string) => void,
): Promise<Map<string, SyntheticFaSample>> {
  const byImage = new Map<string, SyntheticFaSample>();
  for (const [index, sample] of samples.entries()) {
    const png = await sharp(Buffer.from(sample.image), {
      raw: { width: sample.width, height: sample.height, channels: 1 },
    })
      .png()
      .toBuffer();
    const form = new FormData();
    form.append(
      'file',
      new Blob([new Uint8Array(png)], { type: 'image/png' }),
      `loop-${String(index).padStart(3, '0')}.png`,
    );
    const response = await admin.postForm(`/api/projects/${projectId}/images`, form);
    const body = (await response.json()) as {
      images?: Array<{ id: string }>;
      error?: { message?: string };
    };
    const image = body.images?.[0];
    if (response.status !== 201 || !image)
      throw new Error(
        `upload of image ${index} failed: HTTP ${response.status} ${JSON.stringify(body).slice(0, 300)}`,
      );
    byImage.set(image.id, sample);
    if ((index + 1) % 50 === 0 || index + 1 === samples.length)
      log(`uploaded ${index + 1}/${samples.length} images`);
  }
  return byImage;
}

export async function runLoopBench(options: LoopBenchOptions): Promise<LoopBenchResult> {
  const quick = options.quick;
  // Quick mode keeps the product network (the tiny test network learns nothing useful from a few
  // dozen masks) and shrinks the loop: fewer, smaller rounds on smaller images.
  // The smoke run swaps in the tiny network (seconds per round); the loop itself is unchanged.
  const smoke = options.smoke ?? false;
  const rounds = options.rounds ?? (smoke || quick ? 2 : 5);
  const requestedMasksPerRound = options.masksPerRound ?? (smoke ? 4 : quick ? 10 : 20);
  const log = (line: string) => console.log(`[loop] ${line}`);
  // A team's folder is read (and checked) before anything starts.
  const dataArg: unknown = options.data;
  if (dataArg === true || dataArg === '')
    throw new Error('--data needs a folder: npm run bench:loop -- --data DIR');
  const folder =
    dataArg !== undefined
      ? await folderLoopData({
          dir: resolve(String(dataArg)),
          rounds,
          masksPerRound: requestedMasksPerRound,
          maxTest: smoke || quick ? 12 : 24,
          log,
        })
      : null;
  const masksPerRound = folder?.masksPerRound ?? requestedMasksPerRound;
  const imageSize = smoke ? 64 : quick ? 128 : 256;
  const epochs = 4;
  const trainerConfig: LoopBenchResult['config']['trainerConfig'] = smoke ? 'tiny' : 'product';

  const database = await openLoopDatabase();
  const root = await mkdtemp(join(tmpdir(), 'loupe-loop-bench-'));
  const artifacts = createBlobStore(join(root, 'artifacts'));
  const blobs = createBlobStore(join(root, 'blobs'));
  const db = database.db;
  let app: RunningWebApp | null = null;
  let browser: SubscribedBrowser | null = null;
  let trainer: ChildProcess | null = null;
  const trainerOutput: string[] = [];

  try {
    const starter = smoke
      ? {
          dir: await createFreshStarter(join(root, 'starter'), TINY_CONFIG),
          note: 'fresh tiny segmenter (smoke)',
        }
      : options.freshStarter
        ? {
            dir: await createFreshStarter(join(root, 'starter'), BASE_CONFIG),
            note: 'fresh base segmenter (--fresh-starter)',
          }
        : await productStarter(root);
    log(`starter: ${starter.note}`);

    // The pool is larger than what gets labeled, so active learning has a choice. The project's
    // images come from another domain than the starter's training data (real DRIVE backgrounds,
    // where available) as a new clinic's images would; the synthetic generator is the fallback.
    const poolCount =
      rounds * masksPerRound + (smoke ? masksPerRound : Math.max(20, masksPerRound * 2));
    const testCount = smoke ? 4 : quick ? 12 : 24;
    const drivePool =
      quick || smoke || folder
        ? []
        : await loadDrivePseudoFa({ count: poolCount, seed: 101, lesions: [1, 3], log });
    const driveTest =
      drivePool.length > 0
        ? await loadDrivePseudoFa({ count: testCount, seed: 202, lesions: [1, 3], log })
        : [];
    const dataSource = folder
      ? folder.description
      : drivePool.length > 0
        ? 'DRIVE pseudo-FA (565x584)'
        : `synthetic FA (${imageSize}x${imageSize})`;
    const pool = folder
      ? folder.pool
      : drivePool.length > 0
        ? drivePool
        : generateSyntheticFaDataset({
            count: poolCount,
            size: imageSize,
            seed: 101,
            lesions: [1, 3],
          });
    const testSet = folder
      ? folder.testSet
      : driveTest.length > 0
        ? driveTest
        : generateSyntheticFaDataset({
            count: testCount,
            size: imageSize,
            seed: 202,
            lesions: [1, 3],
          });
    log(`data: ${dataSource}, ${pool.length} pool images, ${testSet.length} fixed test images`);

    // Accounts (an operator's job: there is no sign-up page), then everything else over HTTP.
    await upsertUser(db, {
      email: ADMIN_EMAIL,
      name: 'Loop admin',
      password: PASSWORD,
      isSiteAdmin: true,
    });
    await upsertUser(db, {
      email: ANNOTATOR_EMAIL,
      name: 'Scripted annotator',
      password: PASSWORD,
    });
    const serverEnv = {
      DATABASE_URL: database.url,
      DATA_DIR: root,
      ARTIFACT_DIR: artifacts.rootDir,
      BLOB_DIR: blobs.rootDir,
      STARTER_MODEL_DIR: starter.dir,
      LOUPE_EMBEDDED_DB: database.kind === 'embedded' ? '1' : '0',
    };
    app = await startWebApp({ env: serverEnv });
    log(`web app at ${app.url} (${database.kind} database)`);
    const admin = new TrpcSession(app.url);
    await admin.signIn(ADMIN_EMAIL, PASSWORD);
    const project = await admin.mutation<{ id: string; modelWarning: string | null }>(
      'projects.create',
      { name: 'Loop bench', objectLabel: 'lesion' },
    );
    if (project.modelWarning)
      throw new Error(`the project has no starter model: ${project.modelWarning}`);
    await admin.mutation('projects.addMember', {
      projectId: project.id,
      email: ANNOTATOR_EMAIL,
      role: 'ANNOTATOR',
    });
    await admin.mutation('projects.updateTrainingPolicy', {
      projectId: project.id,
      policy: {
        finetuneMinNewMasks: masksPerRound,
        finetuneEpochs: epochs,
        // The loop measures fine-tuning on accepted masks; MAE pretraining is bench:mae's subject.
        pretrainMinNewImages: 1_000_000,
        // Smoke: 4 masks per round in up to 3 lesion-size buckets; at the default 20% a bucket's
        // first validation image comes at its 3rd image, so round 1 could have none. At 34% it
        // comes at the 2nd, and 4 masks always put 2 in some bucket.
        ...(smoke ? { holdoutFraction: 0.34 } : {}),
      },
    });
    const samples = await uploadImages(admin, project.id, pool, log);
    const groundTruth = (image: { id: string; fileName: string }) => {
      const sample = samples.get(image.id);
      if (!sample)
        throw new Error(`the server leased an image the bench did not upload (${image.fileName})`);
      return largestLesion(sample);
    };

    const annotator = new TrpcSession(app.url);
    await annotator.signIn(ANNOTATOR_EMAIL, PASSWORD);
    browser = new SubscribedBrowser(annotator, project.id);
    const starterServed = await browser.open();
    log(`the page serves v${starterServed.ref.version}`);

    // The trainer runs beside the web app, as `npm start` runs it.
    trainer = startTrainer(
      {
        ...serverEnv,
        TRAINER_CONFIG: trainerConfig,
        TRAINER_WORKER_ID: 'loop-bench-trainer',
        TRAINER_POLL_INTERVAL_MS: '250',
        TRAINER_POLICY_INTERVAL_MS: '1000',
      },
      trainerOutput,
    );

    const results: LoopRound[] = [];
    for (let round = 1; round <= rounds; round++) {
      const served = browser.served();
      if (!served) throw new Error('the page has no model');
      let clicks = 0;
      let withoutEdit = 0;
      let proposalDiceSum = 0;
      const taskIds: string[] = [];
      for (let i = 0; i < masksPerRound; i++) {
        const done = await annotateNextImage({
          session: annotator,
          projectId: project.id,
          browser,
          groundTruth,
          maxClicks: MAX_CLICKS,
        });
        if (!done) throw new Error('the queue ran out of images');
        if (done.modelVersion !== served.ref.version)
          throw new Error(
            `round ${round} changed models mid-round (v${served.ref.version} -> v${done.modelVersion})`,
          );
        clicks += done.clicks;
        taskIds.push(done.taskId);
        withoutEdit += done.acceptedWithoutEdit ? 1 : 0;
        proposalDiceSum += done.proposalDice;
      }
      const lastMaskAt = performance.now();
      const lastMaskWallClock = Date.now();
      log(
        `round ${round}: ${masksPerRound} masks with v${served.ref.version}, ${(clicks / masksPerRound).toFixed(2)} clicks/mask, proposal Dice ${(proposalDiceSum / masksPerRound).toFixed(3)}`,
      );

      // The policy sees the new masks and queues the round; wait for its outcome.
      const run = await waitUntil(
        `round ${round}'s training run`,
        async () => {
          if (trainer?.exitCode !== null)
            throw new Error(
              `the trainer exited (${trainer?.exitCode}):\n${trainerOutput.join('').slice(-4000)}`,
            );
          const runs = await db.trainingRun.findMany({
            where: { projectId: project.id, kind: 'FINETUNE' },
            orderBy: { createdAt: 'asc' },
          });
          const current = runs[round - 1];
          return current && (current.status === 'SUCCEEDED' || current.status === 'FAILED')
            ? current
            : null;
        },
        60 * 60_000,
      );
      if (run.status === 'FAILED')
        throw new Error(
          `round ${round} training failed: ${run.error}\n${trainerOutput.join('').slice(-4000)}`,
        );
      const metrics = run.metrics as {
        candidate: { dice: number; version: number };
        active: { dice: number };
        promoted: boolean;
        reason: string;
        gate?: string;
        diceGate?: { promote: boolean; reason: string };
      };
      let secondsToPromoted: number | null = null;
      if (metrics.promoted && run.resultModelVersionId) {
        const candidateId = run.resultModelVersionId;
        const swappedAt = await waitUntil(
          'the page to load the promoted model',
          () => browser?.swappedTo(candidateId) ?? null,
          120_000,
        );
        secondsToPromoted = (swappedAt - lastMaskAt) / 1000;
      }
      // Let active-learning scoring finish before the next round leases images.
      await waitUntil(
        'the queue to drain',
        async () =>
          (await db.job.count({
            where: { projectId: project.id, status: { in: ['QUEUED', 'RUNNING'] } },
          })) === 0
            ? true
            : null,
        30 * 60_000,
      );
      await browser.settle();
      const nowServed = browser.served();
      const testDice = nowServed ? await testDiceOf(nowServed.predictor, testSet) : null;
      const effort = await db.annotation.aggregate({
        where: { projectId: project.id, taskId: { in: taskIds }, supersededAt: null },
        _avg: { activeSeconds: true },
      });
      const trainSeconds =
        run.startedAt && run.finishedAt
          ? (run.finishedAt.getTime() - run.startedAt.getTime()) / 1000
          : null;
      results.push({
        round,
        masks: masksPerRound,
        clicksPerMask: clicks / masksPerRound,
        activeSecondsPerMask: effort._avg.activeSeconds,
        acceptedWithoutEditShare: withoutEdit / masksPerRound,
        proposalDice: proposalDiceSum / masksPerRound,
        modelVersion: served.ref.version,
        valDice: metrics.promoted ? metrics.candidate.dice : metrics.active.dice,
        testDice,
        candidateVersion: metrics.candidate.version,
        promoted: metrics.promoted,
        gateReason: metrics.reason,
        gate: {
          name: metrics.gate ?? 'dice',
          dicePromote: metrics.diceGate?.promote ?? null,
          diceReason: metrics.diceGate?.reason ?? null,
        },
        secondsToPromotedInBrowser: secondsToPromoted,
        secondsToGateDecision: run.finishedAt
          ? (run.finishedAt.getTime() - lastMaskWallClock) / 1000
          : null,
        trainSeconds,
      });
      log(
        `round ${round}: candidate v${metrics.candidate.version} ${metrics.promoted ? 'promoted' : 'kept'} (${metrics.reason}); served val Dice ${results.at(-1)?.valDice?.toFixed(3)}, test Dice ${testDice?.toFixed(3)}; train ${trainSeconds?.toFixed(0)} s${secondsToPromoted !== null ? `, in the page ${secondsToPromoted.toFixed(1)} s after the last mask` : ''}`,
      );
    }

    // What the run left in the database, as the dashboard reads it: every mask saved with its effort.
    const saved = await db.annotation.count({
      where: { projectId: project.id, supersededAt: null },
    });
    if (saved !== rounds * masksPerRound)
      throw new Error(`expected ${rounds * masksPerRound} saved masks, the database has ${saved}`);
    const recorded = {
      masks: saved,
      submittedTasks: await db.task.count({
        where: { projectId: project.id, status: 'SUBMITTED' },
      }),
      interactionEvents: await db.interactionEvent.count({ where: { projectId: project.id } }),
    };

    // The model served at the end stays behind for `bench:quality` as "the latest trained model".
    const finalServed = browser.served();
    if (!smoke && !quick && finalServed) {
      const version = await db.modelVersion.findUniqueOrThrow({
        where: { id: finalServed.ref.modelVersionId },
      });
      await keepServedModel(version, artifacts, join(repoRoot, '.data', 'bench', 'loop-latest'));
    }

    const first = results[0];
    const last = results.at(-1);
    const firstPromoted = results.find((r) => r.secondsToPromotedInBrowser !== null);
    return {
      config: {
        trainerConfig,
        rounds,
        masksPerRound,
        data: dataSource,
        epochs,
        database: database.kind,
        starter: starter.note,
        annotator:
          'scripted, over HTTP only (tRPC, image route, model-events stream, model-file route)',
      },
      notes: [
        `Scripted annotator: the libs/prompts simulated annotator, speaking HTTP only to the web app (apps/web production build under next start): tRPC queue.next, events.record, annotations.save and tasks.submit; pixels from /api/images/:id/raw; models announced by /api/projects/:id/model-events (Server-Sent Events) and fetched from /api/models/:id/:file, sha256-checked by the browser worker's own loader and run by onnxruntime-node on the same ONNX files the page runs.`,
        `Trainer: apps/trainer in its own process (policy, fine-tuning, gate, active-learning scoring). Database: ${database.kind === 'postgres' ? 'real Postgres' : 'the embedded database (no Postgres answered)'}.`,
        'Set-up over HTTP as well: the site admin creates the project (the web app registers the starter), sets its training policy (projects.updateTrainingPolicy), adds the annotator and uploads the images; only the two accounts are made with the web service directly (there is no sign-up page).',
        'A mask is accepted once IoU >= 0.9 or after 20 clicks with a brush fix. activeSeconds is modelled (2 s per box, 1.5 s per click, 8 s per brush fix); every other figure is measured. rounds[].gate: the gate that decided (acceptance-dice: per held-out object min(1, Dice / 0.947), promote on a strictly higher mean or a tie with lower NoC@90) and what the plain Dice gate would have decided.',
      ].join(' '),
      rounds: results,
      recorded,
      timeToPromotedSeconds:
        firstPromoted?.round === 1 ? firstPromoted.secondsToPromotedInBrowser : null,
      timeToGateDecisionSeconds: first?.secondsToGateDecision ?? null,
      clicksPerMaskChange: (last?.clicksPerMask ?? 0) - (first?.clicksPerMask ?? 0),
      valDiceChange:
        first?.valDice != null && last?.valDice != null ? last.valDice - first.valDice : null,
      testDiceChange:
        first?.testDice != null && last?.testDice != null ? last.testDice - first.testDice : null,
    };
  } catch (error) {
    // The web app's log says why a request failed (an HTTP 500 carries no detail).
    const serverLog = app ? `\nweb app log:\n${app.output()}` : '';
    throw new Error(`${error instanceof Error ? error.message : String(error)}${serverLog}`, {
      cause: error,
    });
  } finally {
    if (trainer && trainer.exitCode === null) {
      const exited = new Promise((done) => trainer?.once('exit', done));
      trainer.kill('SIGTERM');
      await exited;
    }
    await browser?.close();
    await app?.stop();
    await database.close();
    await rm(root, { recursive: true, force: true });
  }
}

/** Writes a registered version's files (hashes checked by the store's keys) as a model folder. */
async function keepServedModel(
  version: ModelVersion,
  artifacts: BlobStore,
  dir: string,
): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const files: Array<[string | null, string | null, string]> = [
    [version.manifestKey, version.manifestSha256, MODEL_FILES.manifest],
    [version.encoderKey, version.encoderSha256, MODEL_FILES.encoder],
    [version.decoderKey, version.decoderSha256, MODEL_FILES.decoder],
  ];
  for (const [key, sha256, name] of files) {
    if (!key || !sha256 || !(await artifacts.verify(key, sha256)))
      throw new Error(`model v${version.version}: ${name} is missing or does not match its sha256`);
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
  const dataAt = args.indexOf('--data');
  runLoopBench({
    quick: args.includes('--quick'),
    freshStarter: args.includes('--fresh-starter'),
    ...(dataAt >= 0 && args[dataAt + 1] ? { data: args[dataAt + 1] } : {}),
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
