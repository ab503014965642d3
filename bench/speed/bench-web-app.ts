/**
 * The database and web app every load benchmark runs against: a fresh real Postgres database
 * (loupe_test_*) or the embedded database in its own process (PGlite, as `npm start` runs it),
 * and the production web app (`next start`, its own process) over a throwaway data folder.
 */
import { createBlobStore, createDb, type BlobStore, type Db } from '@loupe/db';
import { createTestDatabaseOn } from '@loupe/db/testing';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startReadyChild } from './child-process';
import { startWebApp, type RunningWebApp } from './web-app';

const speedDir = new URL('.', import.meta.url).pathname;
const SERVER = 'apps/web production build under next start (separate process)';

export type BenchDatabaseKind = 'postgres' | 'embedded';

/** Starts the embedded database (PGlite) in its own process and answers its connection URL. */
export async function startEmbeddedDatabaseProcess(): Promise<{
  url: string;
  stop: () => Promise<void>;
}> {
  const embedded = await startReadyChild<{ url: string }>({
    name: 'embedded database',
    script: join(speedDir, 'embedded-db-process.ts'),
    env: {},
    timeoutMs: 120_000,
  });
  return { url: embedded.ready.url, stop: () => embedded.stop() };
}

/** Runs `run` on a fresh database of the given kind and says which server setup it measured. */
export async function withBenchDatabase<T extends object>(
  kind: BenchDatabaseKind,
  run: (databaseUrl: string, embedded: boolean) => Promise<T>,
): Promise<T & { server: string }> {
  if (kind === 'postgres') {
    const database = await createTestDatabaseOn('postgres', { poolSize: 1 });
    try {
      return { ...(await run(database.url, false)), server: SERVER };
    } finally {
      await database.close();
    }
  }
  const embedded = await startEmbeddedDatabaseProcess();
  try {
    return { ...(await run(embedded.url, true)), server: `${SERVER}; PGlite in its own process` };
  } finally {
    await embedded.stop();
  }
}

export interface BenchDataFolder {
  dataDir: string;
  db: Db;
  blobs: BlobStore;
  artifacts: BlobStore;
}

/**
 * Seeds a project with `seed`, starts the web app over the same database and data folder, and runs
 * `run` against it. A failure carries the server's log (an HTTP 500 carries no detail).
 */
export async function withSeededWebApp<S, T>(options: {
  databaseUrl: string;
  embedded: boolean;
  tmpPrefix: string;
  seed: (folder: BenchDataFolder) => Promise<S>;
  run: (seeded: S, app: RunningWebApp) => Promise<T>;
}): Promise<T> {
  const dataDir = await mkdtemp(join(tmpdir(), options.tmpPrefix));
  const db = createDb(options.databaseUrl, { poolSize: 2 });
  let app: RunningWebApp | null = null;
  try {
    const seeded = await options.seed({
      dataDir,
      db,
      blobs: createBlobStore(join(dataDir, 'blobs')),
      artifacts: createBlobStore(join(dataDir, 'artifacts')),
    });
    // As `npm start` runs the web app (libs/db childEnv): default pool size, production mode.
    app = await startWebApp({
      env: {
        DATABASE_URL: options.databaseUrl,
        DATA_DIR: dataDir,
        BLOB_DIR: join(dataDir, 'blobs'),
        ARTIFACT_DIR: join(dataDir, 'artifacts'),
        LOUPE_EMBEDDED_DB: options.embedded ? '1' : '0',
      },
    });
    const server = app;
    return await options.run(seeded, server).catch((error: unknown) => {
      throw new Error(
        `${error instanceof Error ? error.message : String(error)}\nserver log:\n${server.output()}`,
        { cause: error },
      );
    });
  } finally {
    await app?.stop();
    await db.$disconnect();
    await rm(dataDir, { recursive: true, force: true });
  }
}
