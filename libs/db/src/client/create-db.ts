import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client';

export interface CreateDbOptions {
  /** Pool size of the pg driver behind Prisma (default 10). Keep it at or below the embedded server's maxConnections. */
  poolSize?: number;
  /** How long a query waits for a free pooled connection before failing (ms, default 30 s). */
  connectionTimeoutMs?: number;
}

/**
 * Prisma client over the pg driver adapter. The same path serves real Postgres and the embedded
 * PGlite (which speaks the wire protocol through pglite-socket), so there is one code path to test.
 */
export function createDb(url: string, options: CreateDbOptions = {}): PrismaClient {
  const adapter = new PrismaPg({
    connectionString: url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: options.connectionTimeoutMs ?? 30_000,
  });
  // The embedded database runs transactions one after another, so a transaction may queue behind
  // others for a while: allow longer than Prisma's 2 s wait / 5 s run defaults.
  return new PrismaClient({ adapter, transactionOptions: { maxWait: 15_000, timeout: 30_000 } });
}

export type Db = PrismaClient;
