/**
 * More than one machine's worth (issue 18): two web servers and two trainers, each its own
 * process, on one Postgres and one shared data folder (blobs + artifacts), as two machines would
 * run them.
 * - saves: annotators save masks with no think time (throughput) through one server, then spread
 *   over both; leases and revisions are checked afterwards (no task leased to two annotators, every
 *   save stored, each task's revision = its saves).
 * - jobs: 'score' jobs (the trainer's active-learning scoring with the served model: real work)
 *   queued across two projects, run by one trainer, then by two; from the workers' own logs, no
 *   job was claimed by both, and each worker took jobs of both projects.
 * - training: 'finetune' jobs (real fine-tuning rounds of the trainer's tiny network on accepted
 *   masks, gate and registration included) over two more projects, alternating, with one trainer,
 *   then two; the same claim checks as for scoring.
 * - hot swap: a page's model handling (SubscribedBrowser: the model-events stream and the
 *   worker's loader) on each server, and beside it the real annotate page in headless Chromium on
 *   each server; the trainer CLI (`npm run trainer -- promote`, its own process) promotes a new
 *   version; time from the promotion to each server's page running it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBlobStore, createDb, enqueueJob, registerModelVersion, type Db } from '@loupe/db';
import { createTestDatabaseOn } from '@loupe/db/testing';
import { createMask, encodeMaskBytes } from '@loupe/prompts';
import type { Browser } from 'playwright-core';
import { SubscribedBrowser } from '../loop/subscribed-browser';
import { repoRoot } from '../lib/repo-root';
import { waitUntil } from '../lib/wait-until';
import { launchChromium } from '../speed/chromium';
import { seedAnnotators } from '../speed/seed-annotators';
import { signInEach, type TrpcSession } from '../speed/trpc-http';
import { AnnotatePage, loadScaledTimeoutMs } from './annotate-page';
import { seedTrainingProjects } from './training-projects';
import { startWebApp, type RunningWebApp } from '../speed/web-app';

const PASSWORD = 'bench-password-123';
const round1 = (value: number) => Math.round(value * 10) / 10;

export interface ScaleOptions {
  annotators: number;
  savesPerAnnotator: number;
  /** Score jobs per phase (1 trainer, then 2), spread over two projects. */
  jobsPerPhase: number;
  /** Images per trainer project (what each score job scores). */
  imagesPerJobProject: number;
  /** Finetune jobs per phase (1 trainer, then 2), alternating over two projects; 0 = none. */
  trainingJobsPerPhase?: number;
  /** Accepted masks per training project (64 px synthetic images). */
  masksPerTrainingProject?: number;
}

interface Trainer {
  id: string;
  child: ChildProcess;
  output: string[];
  stop(): Promise<void>;
}

/** The trainer worker as `npm start` runs it (apps/trainer main.ts), in its own process. */
function startTrainer(id: string, env: Record<string, string>): Trainer {
  const child = spawn(process.execPath, ['--import', 'tsx', 'apps/trainer/src/main.ts'], {
    cwd: repoRoot,
    env: { PATH: process.env['PATH'] ?? '', ...env, TRAINER_WORKER_ID: id },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const keep = (chunk: Buffer) => output.push(...chunk.toString().split('\n').filter(Boolean));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return {
    id,
    child,
    output,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}

/** `npm run trainer -- <args>` (the CLI) in its own process; resolves with its output. */
function runTrainerCli(args: string[], env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'apps/trainer/src/cli.ts', ...args], {
      cwd: repoRoot,
      env: { PATH: process.env['PATH'] ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
    child.once('exit', (code) =>
      code === 0
        ? resolve(output)
        : reject(new Error(`trainer ${args.join(' ')} exited ${code}:\n${output.slice(-2000)}`)),
    );
  });
}

function maskBase64(width: number, height: number, seed: number): string {
  const mask = createMask(width, height);
  const r = Math.min(width, height) / 5 + (seed % 4);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      if ((x - width / 2) ** 2 + (y - height / 2) ** 2 < r * r) mask.data[y * width + x] = 1;
  return Buffer.from(encodeMaskBytes(mask)).toString('base64');
}

interface TaskView {
  id: string;
  revision: number;
  image: { width: number; height: number };
}

/**
 * Every session leases a task through its server (all at once), saves `saves` masks back to back,
 * then submits it, so the next burst leases new tasks. `leased`: [task, annotator] per lease.
 */
async function saveBurst(
  sessions: TrpcSession[],
  projectId: string,
  saves: number,
  tag: string,
): Promise<{
  savesPerSecond: number;
  saved: number;
  failed: number;
  leased: Array<[string, number]>;
}> {
  const leased: Array<[string, number]> = [];
  const views = await Promise.all(
    sessions.map(async (session, a) => {
      const view = await session.mutation<TaskView | null>('queue.next', { projectId });
      if (!view) throw new Error('queue.next returned no task: the seed made too few images');
      leased.push([view.id, a]);
      return view;
    }),
  );
  const revisions = views.map((view) => view.revision);
  let saved = 0;
  let failed = 0;
  const started = performance.now();
  await Promise.all(
    sessions.map(async (session, a) => {
      const view = views[a] as TaskView;
      let revision = revisions[a] as number;
      for (let k = 0; k < saves; k++) {
        try {
          const result = await session.mutation<{ revision: number }>('annotations.save', {
            projectId,
            taskId: view.id,
            objectId: `${tag}-${k}`,
            expectedRevision: revision,
            finalRle: maskBase64(view.image.width, view.image.height, a + k),
            clicks: 1,
            activeSeconds: 5,
          });
          revision = result.revision;
          saved++;
        } catch {
          failed++;
        }
      }
      revisions[a] = revision;
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await Promise.all(
    sessions.map((session, a) =>
      session.mutation('tasks.submit', {
        projectId,
        taskId: (views[a] as TaskView).id,
        expectedRevision: revisions[a],
      }),
    ),
  );
  return { savesPerSecond: round1(saved / seconds), saved, failed, leased };
}

/** Claims per worker from their logs ("job <id> (<type>) claimed, attempt n/m"). */
function claimsIn(trainer: Trainer): string[] {
  return trainer.output
    .map((line) => /job (\S+) \(\w+\) claimed/.exec(line)?.[1])
    .filter((id): id is string => id !== undefined);
}

async function runJobs(
  db: Db,
  projects: string[],
  count: number,
  timeoutMs: number,
  type: 'score' | 'finetune' = 'score',
): Promise<{ ids: string[]; seconds: number }> {
  const started = performance.now();
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    // Scoring in blocks (A, A, B, B): two workers then both meet jobs of both projects. Training
    // alternates (A, B, A, B): two rounds of one project side by side would train the same base.
    const block =
      type === 'score' ? Math.floor((i * projects.length) / count) : i % projects.length;
    const projectId = projects[block] as string;
    const job =
      type === 'finetune'
        ? await enqueueJob(db, { projectId, type, payload: { trigger: 'manual' } })
        : await enqueueJob(db, { projectId, type, payload: {} });
    ids.push(job.id);
  }
  await waitUntil(
    `${count} ${type} jobs to finish`,
    async () =>
      (await db.job.count({
        where: { id: { in: ids }, status: { in: ['QUEUED', 'RUNNING'] } },
      })) === 0
        ? true
        : null,
    timeoutMs,
  );
  return { ids, seconds: (performance.now() - started) / 1000 };
}

/** Waits until no job is queued or running (follow-up score jobs after a promotion included). */
async function drainQueue(db: Db): Promise<void> {
  await waitUntil(
    'the job queue to drain',
    async () =>
      (await db.job.count({ where: { status: { in: ['QUEUED', 'RUNNING'] } } })) === 0
        ? true
        : null,
    600_000,
  );
}

/** Finetune throughput with 1 vs 2 trainers, and the claim checks over the timed training jobs. */
async function trainingFigures(
  db: Db,
  claims: string[][],
  projects: string[],
  phases: { one: { ids: string[]; seconds: number }; two: { ids: string[]; seconds: number } },
): Promise<Record<string, unknown>> {
  const count = phases.one.ids.length;
  const timed = [...phases.one.ids, ...phases.two.ids];
  const rows = await db.job.findMany({
    where: { id: { in: timed } },
    select: { id: true, projectId: true, status: true, attempts: true },
  });
  const projectOf = new Map(rows.map((j) => [j.id, j.projectId]));
  const runs = await db.trainingRun.findMany({
    where: { projectId: { in: projects } },
    select: {
      projectId: true,
      status: true,
      totalSteps: true,
      resultModelVersionId: true,
      startedAt: true,
      finishedAt: true,
    },
  });
  const inPhase = (ids: string[]) => claims.map((mine) => mine.filter((id) => ids.includes(id)));
  const two = inPhase(phases.two.ids);
  return {
    kind: 'finetune',
    note: "real fine-tuning rounds (the trainer's tiny config, 1 epoch, gate included) over two projects, alternating; promotions queue follow-up score jobs, which run inside the timed window too",
    jobsPerPhase: count,
    oneTrainer: {
      seconds: round1(phases.one.seconds),
      jobsPerMinute: round1((60 * count) / phases.one.seconds),
    },
    twoTrainers: {
      seconds: round1(phases.two.seconds),
      jobsPerMinute: round1((60 * count) / phases.two.seconds),
      jobsByTrainer: two.map((ids) => ids.length),
      projectsByTrainer: two.map((ids) => new Set(ids.map((id) => projectOf.get(id))).size),
    },
    speedup: Math.round((phases.one.seconds / phases.two.seconds) * 100) / 100,
    jobsClaimedByBoth: (claims[0] ?? []).filter(
      (id) => timed.includes(id) && claims[1]?.includes(id),
    ).length,
    jobsNotSucceeded: rows.filter((j) => j.status !== 'SUCCEEDED').length,
    jobsRetried: rows.filter((j) => j.attempts !== 1).length,
    // Claims hold one training job per project: two rounds of a project never overlap in time.
    roundsOverlappingInAProject: overlappingPairs(runs),
    trainingRuns: {
      total: runs.length,
      succeeded: runs.filter((r) => r.status === 'SUCCEEDED').length,
      withCandidate: runs.filter((r) => r.resultModelVersionId !== null).length,
      stepsPerRunMax: Math.max(0, ...runs.map((r) => r.totalSteps ?? 0)),
    },
  };
}

/** Pairs of runs of one project whose [startedAt, finishedAt] spans overlap (unfinished: still running). */
function overlappingPairs(
  runs: Array<{ projectId: string; startedAt: Date | null; finishedAt: Date | null }>,
): number {
  const spans = runs
    .filter((r) => r.startedAt !== null)
    .map((r) => ({
      projectId: r.projectId,
      from: r.startedAt!.getTime(),
      to: r.finishedAt?.getTime() ?? Number.POSITIVE_INFINITY,
    }));
  let pairs = 0;
  for (const [i, one] of spans.entries())
    for (const other of spans.slice(i + 1))
      if (one.projectId === other.projectId && one.from < other.to && other.from < one.to) pairs++;
  return pairs;
}

/** The starter's files under a new manifest version (a distinct model to promote). */
async function newModelDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'loupe-bench-scale-model-'));
  const starter = join(repoRoot, 'models', 'starter');
  for (const file of ['encoder.onnx', 'decoder.onnx'])
    await cp(join(starter, file), join(dir, file));
  const manifest = JSON.parse(await readFile(join(starter, 'manifest.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  await writeFile(
    join(dir, 'manifest.json'),
    JSON.stringify({ ...manifest, version: `bench-scale-${Date.now()}` }, null, 2),
  );
  return dir;
}

interface BrowserPages {
  browser: Browser | null;
  pages: Array<{ page: AnnotatePage; readyMs: number }>;
  readyTimeoutMs: number;
  /** Why not every server has a page (no Chromium, or a page not ready in time). */
  error: string | null;
}

/**
 * One headless Chromium page per server on the annotate page (another annotator each), opened one
 * after the other, each waited for until its worker runs the served model.
 */
async function openBrowserPages(
  servers: RunningWebApp[],
  sessions: TrpcSession[],
  projectId: string,
  log: (line: string) => void,
): Promise<BrowserPages> {
  // A page is ready in about 3 s on a quiet machine; at load 20 on 2 cores it has taken minutes.
  const readyTimeoutMs = loadScaledTimeoutMs(90_000, 480_000);
  const opened: BrowserPages = { browser: null, pages: [], readyTimeoutMs, error: null };
  try {
    opened.browser = await launchChromium({ log });
    for (const [i, server] of servers.entries()) {
      log(`[bench] scale: Chromium annotate page on server ${i + 1} (up to ${readyTimeoutMs} ms)`);
      const { page, readyMs } = await AnnotatePage.open(opened.browser, {
        label: `server ${i + 1}'s annotate page`,
        baseUrl: server.url,
        session: sessions[i % sessions.length] as TrpcSession,
        projectId,
        timeoutMs: readyTimeoutMs,
      });
      opened.pages.push({ page, readyMs });
    }
  } catch (error) {
    opened.error = error instanceof Error ? error.message : String(error);
    log(`[bench] scale: Chromium pages: ${opened.error}`);
  }
  return opened;
}

/** Promotion -> each Chromium page's worker running the new version (the page's own swap time). */
async function browserSwapFigures(
  opened: BrowserPages,
  candidate: { id: string; version: number },
  promotedAt: number,
): Promise<Record<string, unknown>> {
  const pageReadyMs = opened.pages.map((p) => p.readyMs);
  if (opened.error || opened.pages.length === 0)
    return {
      error: opened.error ?? 'no page opened',
      readyTimeoutMs: opened.readyTimeoutMs,
      pageReadyMs,
    };
  const swapTimeoutMs = loadScaledTimeoutMs(60_000, 300_000);
  try {
    const hotSwapMs: number[] = [];
    for (const { page } of opened.pages) {
      const hooks = await page.waitForModel(candidate.id, promotedAt + swapTimeoutMs);
      const swap = hooks.swaps.find((s) => s.to === candidate.version);
      if (!swap)
        throw new Error(`${page.label}: runs v${candidate.version} but recorded no swap to it`);
      hotSwapMs.push(swap.at - promotedAt);
    }
    return {
      pages: opened.pages.length,
      pageReadyMs,
      hotSwapMs,
      maxMs: Math.max(...hotSwapMs),
      readyTimeoutMs: opened.readyTimeoutMs,
      swapTimeoutMs,
    };
  } catch (error) {
    return {
      error: error instanceof Error ? error.message : String(error),
      readyTimeoutMs: opened.readyTimeoutMs,
      swapTimeoutMs,
      pageReadyMs,
    };
  }
}

export async function measureTwoOfEach(
  options: ScaleOptions,
  log: (line: string) => void = console.log,
): Promise<Record<string, unknown>> {
  const database = await createTestDatabaseOn('postgres', { poolSize: 1 });
  const dataDir = await mkdtemp(join(tmpdir(), 'loupe-bench-scale-'));
  const db = createDb(database.url, { poolSize: 4 });
  const blobs = createBlobStore(join(dataDir, 'blobs'));
  const artifacts = createBlobStore(join(dataDir, 'artifacts'));
  const env = {
    DATABASE_URL: database.url,
    DATA_DIR: dataDir,
    BLOB_DIR: join(dataDir, 'blobs'),
    ARTIFACT_DIR: join(dataDir, 'artifacts'),
    LOUPE_EMBEDDED_DB: '0',
  };
  const servers: RunningWebApp[] = [];
  const trainers: Trainer[] = [];
  const pages: SubscribedBrowser[] = [];
  const annotatePages: AnnotatePage[] = [];
  let chromium: Browser | null = null;
  const starterModelDir = join(repoRoot, 'models', 'starter');
  try {
    // Annotators work on project A (two batches of tasks: one per phase); trainers score C and D.
    const a = await seedAnnotators({
      db,
      blobs,
      artifacts,
      annotators: options.annotators,
      // Both save bursts lease one task per annotator; the rest stay for the Chromium pages.
      extraImages: options.annotators + 4,
      password: PASSWORD,
      starterModelDir,
    });
    const jobProjects: string[] = [];
    for (let i = 0; i < 2; i++) {
      const seeded = await seedAnnotators({
        db,
        blobs,
        artifacts,
        annotators: 0,
        extraImages: options.imagesPerJobProject,
        password: PASSWORD,
        starterModelDir,
      });
      jobProjects.push(seeded.projectId);
    }
    const trainingJobs = options.trainingJobsPerPhase ?? 0;
    const trainingProjects = trainingJobs
      ? await seedTrainingProjects({
          db,
          blobs,
          artifacts,
          root: dataDir,
          count: 2,
          masks: options.masksPerTrainingProject ?? 8,
          epochs: 1,
        })
      : [];
    // Only the jobs the bench queues: the policy must not start training rounds meanwhile.
    await db.project.updateMany({ data: { autoTrain: false } });

    log('[bench] scale: seeded three projects; starting two web servers');
    for (let i = 0; i < 2; i++) servers.push(await startWebApp({ env }));
    const sessions = await signInEach((servers[0] as RunningWebApp).url, a.users, PASSWORD);
    // The same signed-in users, half of them through the second server (one session, any server).
    const spread = sessions.map((session, i) =>
      i % 2 === 0 ? session : session.at((servers[1] as RunningWebApp).url),
    );
    log(`[bench] scale: ${sessions.length} annotators saving through one server, then both`);
    const oneServer = await saveBurst(sessions, a.projectId, options.savesPerAnnotator, 'one');
    const twoServers = await saveBurst(spread, a.projectId, options.savesPerAnnotator, 'two');
    const leased = [...oneServer.leased, ...twoServers.leased];
    const holders = new Map<string, Set<number>>();
    for (const [taskId, annotator] of leased)
      holders.set(taskId, (holders.get(taskId) ?? new Set()).add(annotator));
    const tasks = await db.task.findMany({
      where: { id: { in: [...holders.keys()] } },
      select: { id: true, revision: true, _count: { select: { annotations: true } } },
    });
    const savesStored = await db.annotation.count({ where: { projectId: a.projectId } });
    const saves = {
      annotators: sessions.length,
      savesPerAnnotator: options.savesPerAnnotator,
      oneServer: { savesPerSecond: oneServer.savesPerSecond, failed: oneServer.failed },
      twoServers: { savesPerSecond: twoServers.savesPerSecond, failed: twoServers.failed },
      speedup: Math.round((twoServers.savesPerSecond / oneServer.savesPerSecond) * 100) / 100,
      tasksLeasedTwice: [...holders.values()].filter((h) => h.size > 1).length,
      savesStored,
      savesSucceeded: oneServer.saved + twoServers.saved,
      // Every save and the submit bump a task's revision once: revision = saves + 1.
      tasksWhoseRevisionIsNotTheirSaveCount: tasks.filter(
        (t) => t.revision !== t._count.annotations + 1,
      ).length,
    };

    // Trainers: one, then a second beside it, on the same queue.
    const trainerEnv = { ...env, TRAINER_POLL_INTERVAL_MS: '300', TRAINER_CONFIG: 'tiny' };
    log(`[bench] scale: ${options.jobsPerPhase} score jobs with one trainer`);
    trainers.push(startTrainer('scale-trainer-1', trainerEnv));
    // Whatever the policy queued at start-up (scoring after the starters' promotion) runs first.
    await waitUntil(
      'the start-up jobs to finish',
      async () =>
        (await db.job.count({ where: { status: { in: ['QUEUED', 'RUNNING'] } } })) === 0
          ? true
          : null,
      300_000,
    );
    // One job untimed first: a worker's first job pays its start-up (model runtime, files).
    await runJobs(db, jobProjects.slice(0, 1), 1, 300_000);
    const oneTrainer = await runJobs(db, jobProjects, options.jobsPerPhase, 600_000);
    let oneTrainerTraining: { ids: string[]; seconds: number } | null = null;
    if (trainingJobs) {
      log(`[bench] scale: ${trainingJobs} finetune jobs with one trainer`);
      // One untimed round first (the training backend's start-up), then the queue drained.
      await runJobs(db, trainingProjects.slice(0, 1), 1, 600_000, 'finetune');
      await drainQueue(db);
      oneTrainerTraining = await runJobs(db, trainingProjects, trainingJobs, 900_000, 'finetune');
      await drainQueue(db);
    }
    log(`[bench] scale: ${options.jobsPerPhase} score jobs with two trainers`);
    trainers.push(startTrainer('scale-trainer-2', trainerEnv));
    await waitUntil(
      'the second trainer to start',
      () => (trainers[1]!.output.some((line) => line.includes('started')) ? true : null),
      120_000,
    );
    // Two untimed jobs side by side, so the second worker is warm too.
    await runJobs(db, jobProjects, 2, 300_000);
    const twoTrainers = await runJobs(db, jobProjects, options.jobsPerPhase, 600_000);
    let twoTrainersTraining: { ids: string[]; seconds: number } | null = null;
    if (trainingJobs) {
      log(`[bench] scale: ${trainingJobs} finetune jobs with two trainers`);
      await drainQueue(db);
      // Two untimed rounds side by side: the second worker's training start-up.
      await runJobs(db, trainingProjects, 2, 600_000, 'finetune');
      await drainQueue(db);
      twoTrainersTraining = await runJobs(db, trainingProjects, trainingJobs, 900_000, 'finetune');
    }
    const claims = trainers.map(claimsIn);
    const mine = [...oneTrainer.ids, ...twoTrainers.ids];
    const allJobs = await db.job.findMany({ select: { id: true, projectId: true } });
    const jobRows = await db.job.findMany({
      where: { id: { in: mine } },
      select: { id: true, projectId: true, status: true, attempts: true },
    });
    const projectOf = new Map(allJobs.map((j) => [j.id, j.projectId]));
    const both = claims[0]!.filter((id) => claims[1]!.includes(id));
    const jobs = {
      kind: 'score',
      imagesPerJob: options.imagesPerJobProject,
      jobsPerPhase: options.jobsPerPhase,
      oneTrainer: {
        seconds: round1(oneTrainer.seconds),
        jobsPerMinute: round1((60 * options.jobsPerPhase) / oneTrainer.seconds),
      },
      twoTrainers: {
        seconds: round1(twoTrainers.seconds),
        jobsPerMinute: round1((60 * options.jobsPerPhase) / twoTrainers.seconds),
        jobsByTrainer: claims.map((ids) => ids.filter((id) => twoTrainers.ids.includes(id)).length),
        projectsByTrainer: claims.map(
          (ids) =>
            new Set(ids.filter((id) => twoTrainers.ids.includes(id)).map((id) => projectOf.get(id)))
              .size,
        ),
      },
      /** Over the whole run (warm-ups included): jobs each trainer ran, per project. */
      jobsByTrainerAndProject: claims.map((ids) =>
        jobProjects.map((projectId) => ids.filter((id) => projectOf.get(id) === projectId).length),
      ),
      speedup: Math.round((oneTrainer.seconds / twoTrainers.seconds) * 100) / 100,
      jobsClaimedByBoth: both.length,
      jobsNotSucceeded: jobRows.filter((j) => j.status !== 'SUCCEEDED').length,
      jobsRetried: jobRows.filter((j) => j.attempts !== 1).length,
    };

    const training =
      oneTrainerTraining && twoTrainersTraining
        ? await trainingFigures(db, claims, trainingProjects, {
            one: oneTrainerTraining,
            two: twoTrainersTraining,
          })
        : null;

    // Hot swap: a page on each server, in Node and in Chromium, a promotion by the trainer CLI.
    log('[bench] scale: a page on each server; promoting a new version with the trainer CLI');
    for (const server of servers) {
      const page = new SubscribedBrowser(sessions[0]!.at(server.url), a.projectId);
      await page.open();
      pages.push(page);
    }
    const browserPages = await openBrowserPages(servers, sessions, a.projectId, log);
    chromium = browserPages.browser;
    annotatePages.push(...browserPages.pages.map((opened) => opened.page));
    const candidate = await registerModelVersion(db, artifacts, {
      projectId: a.projectId,
      dir: await newModelDir(),
      status: 'CANDIDATE',
      configName: 'starter',
    });
    await runTrainerCli(
      ['promote', '--project', a.projectId, '--version', String(candidate.version)],
      env,
    );
    const promoted = await db.modelVersion.findUniqueOrThrow({
      where: { id: candidate.id },
      select: { promotedAt: true },
    });
    await waitUntil(
      'both servers’ pages to run the promoted model',
      () => (pages.every((page) => page.swappedTo(candidate.id) !== null) ? true : null),
      loadScaledTimeoutMs(120_000, 480_000),
    );
    const promotedAt = promoted.promotedAt?.getTime() ?? Date.now();
    const hotSwapMs = pages.map((page) =>
      Math.round(performance.timeOrigin + (page.swappedTo(candidate.id) as number) - promotedAt),
    );
    const chromiumSwap = await browserSwapFigures(browserPages, candidate, promotedAt);
    return {
      processes: 'two next start servers, two trainer workers, the trainer CLI, one Postgres',
      saves,
      jobs,
      ...(training ? { training } : {}),
      hotSwap: {
        servers: servers.length,
        hotSwapMs,
        maxMs: Math.max(...hotSwapMs),
        chromium: chromiumSwap,
      },
    };
  } finally {
    for (const page of pages) await page.close().catch(() => undefined);
    for (const page of annotatePages) await page.close();
    await chromium?.close().catch(() => undefined);
    for (const trainer of trainers) await trainer.stop();
    for (const server of servers) await server.stop();
    await db.$disconnect();
    await database.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}
