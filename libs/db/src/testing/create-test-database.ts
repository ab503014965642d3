import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Db } from '../client/create-db';
import { createDb } from '../client/create-db';
import { assertDatabaseReachable } from '../client/assert-database-reachable';
import { readDbEnv } from '../config/db-env';
import { startEmbeddedDatabase } from '../embedded/start-embedded-database';
import { applyMigrations } from '../migrations/apply-migrations';
import { migratedSnapshotPath, readSnapshot, writeSnapshot } from './migrated-snapshot';

export type TestDatabaseKind = 'postgres' | 'embedded';

export interface TestDatabase {
  kind: TestDatabaseKind;
  /** Connection URL of this test's own database (migrated, empty). */
  url: string;
  db: Db;
  /** Disconnects and drops the database (postgres) or stops the server (embedded). */
  close(): Promise<void>;
}

/** The server CI and this machine provide; used when TEST_DATABASE_URL is unset. */
export const LOCAL_TEST_POSTGRES_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';

/** TEST_DATABASE_URL's server when set, else the embedded database. */
export function createTestDatabase(options: { poolSize?: number } = {}): Promise<TestDatabase> {
  return createTestDatabaseOn(readDbEnv().TEST_DATABASE_URL ? 'postgres' : 'embedded', options);
}

/**
 * A fresh, migrated database of the given kind. 'postgres' uses TEST_DATABASE_URL's server, or the
 * local one when that is unset (see `testDatabaseKinds`), with its own `loupe_test_<random>`
 * database; 'embedded' is an in-memory PGlite served on a random localhost port.
 */
export async function createTestDatabaseOn(
  kind: TestDatabaseKind,
  options: { poolSize?: number } = {},
): Promise<TestDatabase> {
  return kind === 'postgres'
    ? createPostgresTestDatabase(options.poolSize)
    : createEmbeddedTestDatabase(options.poolSize);
}

/**
 * The backends db specs run on: always 'embedded', plus 'postgres' when TEST_DATABASE_URL is set
 * (it must then be reachable) or the local server answers.
 */
export async function testDatabaseKinds(): Promise<TestDatabaseKind[]> {
  const configured = readDbEnv().TEST_DATABASE_URL;
  if (configured) {
    await assertDatabaseReachable(configured);
    return ['postgres', 'embedded'];
  }
  try {
    await assertDatabaseReachable(LOCAL_TEST_POSTGRES_URL, 1_000);
    return ['postgres', 'embedded'];
  } catch {
    return ['embedded'];
  }
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

const ABANDONED_AFTER_MS = 6 * 60 * 60 * 1000;

/** Drops loupe_test_* databases created more than 6 hours ago (a run that was killed before close()). */
async function dropAbandonedTestDatabases(admin: pg.Client): Promise<void> {
  const { rows } = await admin.query<{ datname: string }>(
    "SELECT datname FROM pg_database WHERE datname LIKE 'loupe\\_test\\_%'",
  );
  for (const { datname } of rows) {
    const createdAt = parseInt(/^loupe_test_([0-9a-z]+)_[0-9a-f]+$/.exec(datname)?.[1] ?? '', 36);
    if (Number.isFinite(createdAt) && Date.now() - createdAt > ABANDONED_AFTER_MS) {
      await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
  }
}

async function createPostgresTestDatabase(poolSize = 10): Promise<TestDatabase> {
  const serverUrl = readDbEnv().TEST_DATABASE_URL ?? LOCAL_TEST_POSTGRES_URL;
  await assertDatabaseReachable(serverUrl);
  // The creation time in the name lets later runs drop what a killed run left behind.
  const name = `loupe_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await dropAbandonedTestDatabases(admin);
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = withDatabase(serverUrl, name);
  const drop = async () => {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    try {
      await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    } finally {
      await client.end();
    }
  };
  try {
    await applyMigrations(url);
  } catch (error) {
    await drop();
    throw error;
  }
  const db = createDb(url, { poolSize });
  return {
    kind: 'postgres',
    url,
    db,
    async close() {
      await db.$disconnect();
      await drop();
    },
  };
}

async function createEmbeddedTestDatabase(poolSize = 10): Promise<TestDatabase> {
  const snapshotPath = migratedSnapshotPath();
  const snapshot = readSnapshot(snapshotPath);
  const server = await startEmbeddedDatabase({ port: 0, maxConnections: poolSize + 10, snapshot });
  try {
    // Applying is a no-op on a snapshot, but proves it is current; on a fresh cluster it migrates.
    await applyMigrations(server.url);
    if (!snapshot) await writeSnapshot(snapshotPath, await server.dumpDataDir());
  } catch (error) {
    await server.stop();
    throw error;
  }
  const db = createDb(server.url, { poolSize });
  return {
    kind: 'embedded',
    url: server.url,
    db,
    async close() {
      await db.$disconnect();
      await server.stop();
    },
  };
}
