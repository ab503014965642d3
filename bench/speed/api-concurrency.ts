/**
 * API latency under concurrent annotators: N simulated annotators, each its own signed-in session,
 * lease a task ("next image") and save accepted masks through the real tRPC HTTP API. Timed save
 * round trips in three phases: one annotator alone (uncontended baseline), `burst` (all sessions
 * at once, each sending its next save as soon as the last returns: a throughput stress whose
 * latency is mostly queueing), and the headline p50/p95/p99: all sessions working at once with a
 * 2-8 s think time before each save. The server is the real web app (a production
 * build under `next start`, web-app.ts) in its own process, so the load generator does not share
 * its event loop; the database is real Postgres (a fresh loupe_test_* database) or the embedded
 * database (PGlite in its own process, as `npm start` runs it).
 */
import { createMask, encodeMaskBytes } from '@loupe/prompts';
import { join } from 'node:path';
import { summarize } from '../lib/percentiles';
import { withBenchDatabase, withSeededWebApp } from './bench-web-app';
import { repoRoot } from '../lib/repo-root';
import { seedAnnotators, type SeededProject } from './seed-annotators';
import { signInEach, type TrpcSession } from './trpc-http';

const PASSWORD = 'bench-password-123';

export interface LatencyFigures {
  p50: number;
  p95: number;
  p99: number;
  n: number;
  failedSaves: number;
}

/**
 * Headline figures (p50/p95/p99): 50 annotators working at once, each saving after a 2-8 s think
 * time (people take 20-60 s per mask, so this is several times the real load).
 */
export interface ApiLatency extends LatencyFigures {
  annotators: number;
  thinkTimeMs: [number, number];
  offeredSavesPerSecond: number;
  /** Stress: every session sends its next save as soon as the last returns (no think time). */
  burst: LatencyFigures & { savesPerAnnotator: number; savesPerSecond: number };
  /** Save p50 of one annotator alone (no concurrency), for comparison. */
  singleAnnotatorP50: number;
  leaseP50: number;
  /** The first few failures' messages. */
  failures: string[];
  server: string;
  /** Error lines from the server's log during the run (first few), when there were any. */
  serverErrors?: string[];
}

export const THINK_TIME_MS: [number, number] = [2000, 8000];

/** A lesion-like disc as libs/prompts mask bytes, base64 (what the annotate page sends). */
function maskBase64(size: number, seed: number): string {
  const mask = createMask(size, size);
  const cx = size / 2 + (seed % 7) - 3;
  const cy = size / 2 - (seed % 5) + 2;
  const r = size / 6 + (seed % 4);
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++)
      if ((x - cx) ** 2 + (y - cy) ** 2 < r * r) mask.data[y * size + x] = 1;
  return Buffer.from(encodeMaskBytes(mask)).toString('base64');
}

async function runLoad(
  baseUrl: string,
  seeded: SeededProject & { url: string },
  savesPerAnnotator: number,
  pacedSaves: number,
): Promise<Omit<ApiLatency, 'server'>> {
  // Sign-in (argon2) and leasing happen before the timed phase, like annotators already at work.
  const sessions = await signInEach(baseUrl, seeded.users, PASSWORD);
  const leaseMs: number[] = [];
  const tasks = await Promise.all(
    sessions.map(async (session) => {
      const t0 = performance.now();
      const task = await session.mutation<{
        id?: string;
        taskId?: string;
        revision?: number;
      } | null>('queue.next', { projectId: seeded.projectId });
      leaseMs.push(performance.now() - t0);
      const taskId = task?.id ?? task?.taskId;
      if (!taskId) throw new Error('queue.next returned no task: the seed made too few images');
      return taskId;
    }),
  );
  const saveInput = (a: number, objectId: string, seed: number) => ({
    projectId: seeded.projectId,
    taskId: tasks[a] as string,
    objectId,
    finalRle: maskBase64(seeded.imageSize, seed),
    proposalRle: maskBase64(seeded.imageSize, seed + 1),
    modelVersionId: seeded.modelVersionId,
    clicks: 2,
    brushStrokes: 0,
    activeSeconds: 12.5,
  });
  // One untimed save each first: the server's first requests pay JIT and connection set-up.
  const saveMs: number[] = [];
  let failedSaves = 0;
  const failures: string[] = [];
  const warmup = await Promise.allSettled(
    sessions.map((session, a) => session.mutation('annotations.save', saveInput(a, 'warmup', a))),
  );
  for (const outcome of warmup) {
    if (outcome.status === 'fulfilled') continue;
    failedSaves++;
    if (failures.length < 3)
      failures.push(
        `warm-up: ${outcome.reason instanceof Error ? outcome.reason.message : String(outcome.reason)}`,
      );
  }
  // Baseline without contention: one annotator saving alone, one save at a time.
  const aloneMs: number[] = [];
  for (let k = 0; k < 5; k++) {
    const t0 = performance.now();
    await (sessions[0] as TrpcSession).mutation(
      'annotations.save',
      saveInput(0, `alone-${k}`, 1000 + k),
    );
    aloneMs.push(performance.now() - t0);
  }
  const started = performance.now();
  await Promise.all(
    sessions.map(async (session, a) => {
      for (let k = 0; k < savesPerAnnotator; k++) {
        const input = saveInput(a, `obj-${k}`, a * 31 + k);
        const t0 = performance.now();
        try {
          await session.mutation('annotations.save', input);
          saveMs.push(performance.now() - t0);
        } catch (error) {
          failedSaves++;
          if (failures.length < 3)
            failures.push(error instanceof Error ? error.message : String(error));
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  if (saveMs.length === 0) throw new Error(`every save failed: ${failures.join(' | ')}`);
  const stats = summarize(saveMs);

  // Paced (the headline): the same open sessions, each saving after a think time, as people label.
  const pacedMs: number[] = [];
  let pacedFailed = 0;
  const pacedStarted = performance.now();
  await Promise.all(
    sessions.map(async (session, a) => {
      for (let k = 0; k < pacedSaves; k++) {
        const [minThink, maxThink] = THINK_TIME_MS;
        await new Promise((resolve) =>
          setTimeout(resolve, minThink + ((a * 7919 + k * 104729) % (maxThink - minThink))),
        );
        const t0 = performance.now();
        try {
          await session.mutation('annotations.save', saveInput(a, `paced-${k}`, 5000 + a * 31 + k));
          pacedMs.push(performance.now() - t0);
        } catch (error) {
          pacedFailed++;
          if (failures.length < 3)
            failures.push(`paced: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    }),
  );
  const pacedSeconds = (performance.now() - pacedStarted) / 1000;
  if (pacedMs.length === 0) throw new Error(`every paced save failed: ${failures.join(' | ')}`);
  const pacedStats = summarize(pacedMs);
  return {
    p50: pacedStats.p50,
    p95: pacedStats.p95,
    p99: pacedStats.p99,
    n: pacedStats.n,
    failedSaves: pacedFailed,
    annotators: sessions.length,
    thinkTimeMs: THINK_TIME_MS,
    offeredSavesPerSecond: (pacedMs.length + pacedFailed) / pacedSeconds,
    burst: {
      p50: stats.p50,
      p95: stats.p95,
      p99: stats.p99,
      n: stats.n,
      failedSaves,
      savesPerAnnotator,
      savesPerSecond: saveMs.length / seconds,
    },
    singleAnnotatorP50: summarize(aloneMs).p50,
    leaseP50: summarize(leaseMs).p50,
    failures,
  };
}

async function withServer<T extends object>(
  databaseUrl: string,
  embedded: boolean,
  annotators: number,
  run: (seeded: SeededProject & { url: string }) => Promise<T>,
): Promise<T & { serverErrors?: string[] }> {
  return withSeededWebApp({
    databaseUrl,
    embedded,
    tmpPrefix: 'loupe-bench-api-',
    seed: ({ db, blobs, artifacts }) =>
      seedAnnotators({
        db,
        blobs,
        artifacts,
        annotators,
        password: PASSWORD,
        starterModelDir: join(repoRoot, 'models', 'starter'),
      }),
    run: async (seeded, server) => {
      const result = await run({ ...seeded, url: server.url });
      const serverErrors = server
        .output()
        .split('\n')
        .filter((line) => /error|invalid/i.test(line) && !line.trimStart().startsWith('at '))
        .slice(0, 4)
        .map((line) => line.slice(0, 300));
      return serverErrors.length ? { ...result, serverErrors } : result;
    },
  });
}

export async function measureApiLatency(options: {
  database: 'postgres' | 'embedded';
  annotators: number;
  savesPerAnnotator: number;
  pacedSavesPerAnnotator: number;
}): Promise<ApiLatency> {
  return withBenchDatabase(options.database, (databaseUrl, embedded) =>
    withServer(databaseUrl, embedded, options.annotators, (seeded) =>
      runLoad(seeded.url, seeded, options.savesPerAnnotator, options.pacedSavesPerAnnotator),
    ),
  );
}
