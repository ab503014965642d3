/** The process-wide Prisma client for the running app (tests pass their own). */
import { createDb, type Db } from '@loupe/db';
import { env } from '../env';

const globalForDb = globalThis as unknown as { loupeDb?: Db };

/** The database URL: DATABASE_URL, or the embedded database `npm start` runs on LOUPE_DB_PORT. */
export function databaseUrl(): string {
  return env.db.DATABASE_URL ?? `postgresql://postgres@127.0.0.1:${env.db.LOUPE_DB_PORT}/postgres`;
}

export function getDb(): Db {
  // One client per process, surviving Next dev's module reloads.
  globalForDb.loupeDb ??= createDb(databaseUrl(), { poolSize: env.db.DB_POOL_SIZE });
  return globalForDb.loupeDb;
}
