/**
 * API latency under concurrent annotators: N simulated annotators, each its own signed-in session,
 * lease a task ("next image") and save accepted masks through the real tRPC HTTP API, all at
 * once; the save round trips are timed (p50/p95/p99). Runs against real Postgres (a fresh
 * loupe_test_* database) and against the embedded database (PGlite in its own process).
 * The server is a separate process so the load generator does not share its event loop.
 */
import { createTestDatabaseOn } from '@loupe/db/testing';
import { createMask, encodeMaskBytes } from '@loupe/prompts';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { summarize } from '../lib/percentiles';
import { startReadyChild } from './child-process';
import { repoRoot } from './harness-server';
import type { SeededProject } from './seed-annotators';
import { TrpcSession } from './trpc-http';

const speedDir = new URL('.', import.meta.url).pathname;
const PASSWORD = 'bench-password-123';

export interface ApiLatency {
  p50: number;
  p95: number;
  p99: number;
  n: number;
  annotators: number;
  savesPerAnnotator: number;
  failedSaves: number;
  leaseP50: number;
  /** Saves completed per second over the whole concurrent phase. */
  savesPerSecond: number;
  server: string;
}

/** A lesion-like disc as libs/prompts mask bytes, base64 (what the annotate page sends). */
function maskBase64(size: number, seed: number): string {
  const mask = createMask(size, size);
  const cx = size / 2 + (seed % 7) - 3;
  const cy = size / 2 - (seed % 5) + 2;
  const r = size / 6 + (seed % 4);
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) if ((x - cx) ** 2 + (y - cy) ** 2 < r * r) mask.data[y * size + x] = 1;
  return Buffer.from(encodeMaskBytes(mask)).toString('base64');
}

async function runLoad(baseUrl: string, seeded: SeededProject & { url: string }, savesPerAnnotator: number): Promise<Omit<ApiLatency, 'server'>> {
  // Sign-in (argon2) and leasing happen before the timed phase, like annotators already at work.
  const sessions = await Promise.all(
    seeded.users.map(async (user) => {
      const session = new TrpcSession(baseUrl);
      await session.signIn(user.email, PASSWORD);
      return session;
    }),
  );
  const leaseMs: number[] = [];
  const tasks = await Promise.all(
    sessions.map(async (session) => {
      const t0 = performance.now();
      const task = await session.mutation<{ id?: string; taskId?: string; revision?: number } | null>('queue.next', { projectId: seeded.projectId });
      leaseMs.push(performance.now() - t0);
      const taskId = task?.id ?? task?.taskId;
      if (!taskId) throw new Error('queue.next returned no task: the seed made too few images');
      return taskId;
    }),
  );
  const saveMs: number[] = [];
  let failedSaves = 0;
  const failures: string[] = [];
  const started = performance.now();
  await Promise.all(
    sessions.map(async (session, a) => {
      for (let k = 0; k < savesPerAnnotator; k++) {
        const input = {
          projectId: seeded.projectId,
          taskId: tasks[a] as string,
          objectId: `obj-${k}`,
          finalRle: maskBase64(seeded.imageSize, a * 31 + k),
          proposalRle: maskBase64(seeded.imageSize, a * 31 + k + 1),
          modelVersionId: seeded.modelVersionId,
          clicks: 2,
          brushStrokes: 0,
          activeSeconds: 12.5,
        };
        const t0 = performance.now();
        try {
          await session.mutation('annotations.save', input);
          saveMs.push(performance.now() - t0);
        } catch (error) {
          failedSaves++;
          if (failures.length < 3) failures.push(error instanceof Error ? error.message : String(error));
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  if (saveMs.length === 0) throw new Error(`every save failed: ${failures.join(' | ')}`);
  const stats = summarize(saveMs);
  return {
    ...stats,
    annotators: sessions.length,
    savesPerAnnotator,
    failedSaves,
    leaseP50: summarize(leaseMs).p50,
    savesPerSecond: saveMs.length / seconds,
  };
}

async function withServer<T>(databaseUrl: string, annotators: number, run: (seeded: SeededProject & { url: string }) => Promise<T>): Promise<T> {
  const dataDir = await mkdtemp(join(tmpdir(), 'loupe-bench-api-'));
  const server = await startReadyChild<SeededProject & { url: string }>({
    name: 'web API server',
    script: join(speedDir, 'web-api-process.ts'),
    env: {
      DATABASE_URL: databaseUrl,
      DATA_DIR: dataDir,
      BLOB_DIR: join(dataDir, 'blobs'),
      ARTIFACT_DIR: join(dataDir, 'artifacts'),
      BENCH_ANNOTATORS: String(annotators),
      BENCH_PASSWORD: PASSWORD,
      BENCH_STARTER_MODEL_DIR: join(repoRoot, 'models', 'starter'),
      // 50 concurrent requests: give the server's pool room (the app's DB_POOL_SIZE knob).
      DB_POOL_SIZE: '20',
      NODE_ENV: 'production',
    },
    timeoutMs: 300_000,
  });
  try {
    return await run(server.ready);
  } finally {
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

export async function measureApiLatency(options: { database: 'postgres' | 'embedded'; annotators: number; savesPerAnnotator: number }): Promise<ApiLatency> {
  const server = 'apps/web tRPC route handler on node:http (separate process)';
  if (options.database === 'postgres') {
    const database = await createTestDatabaseOn('postgres', { poolSize: 1 });
    try {
      return { ...(await withServer(database.url, options.annotators, (seeded) => runLoad(seeded.url, seeded, options.savesPerAnnotator))), server };
    } finally {
      await database.close();
    }
  }
  const embedded = await startReadyChild<{ url: string }>({ name: 'embedded database', script: join(speedDir, 'embedded-db-process.ts'), env: {}, timeoutMs: 120_000 });
  try {
    return { ...(await withServer(embedded.ready.url, options.annotators, (seeded) => runLoad(seeded.url, seeded, options.savesPerAnnotator))), server: `${server}; PGlite in its own process` };
  } finally {
    await embedded.stop();
  }
}
