import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { ProtocolAwareQueryQueue } from './protocol-aware-query-queue';
import { DbError } from '../errors/db-error';
import { acquireDataDirLock } from './acquire-data-dir-lock';
import { assertPortFree, portInUseError } from './assert-port-free';

export interface EmbeddedDatabaseOptions {
  /** Folder PGlite persists to; omit for an in-memory database (tests). */
  dataDir?: string;
  /** TCP port on 127.0.0.1; 0 picks a free one. */
  port: number;
  host?: string;
  /** Client connections served at once (all processes together). */
  maxConnections?: number;
  /** Start from this data-folder snapshot (from dumpDataDir) instead of an empty cluster; memory only. */
  snapshot?: Blob;
}

export interface EmbeddedDatabase {
  url: string;
  port: number;
  /** A snapshot of the whole data folder (tar), to start other databases from (tests). */
  dumpDataDir(): Promise<Blob>;
  stop(): Promise<void>;
}

/**
 * PGlite (Postgres compiled to WebAssembly) served over the Postgres wire protocol, so the web and
 * trainer processes reach it through the same pg driver they use for a real server.
 * Caveats (see docs): NOTIFY does not cross connections and transactions are serialized.
 */
export async function startEmbeddedDatabase(
  options: EmbeddedDatabaseOptions,
): Promise<EmbeddedDatabase> {
  const host = options.host ?? '127.0.0.1';
  await assertPortFree(host, options.port);
  let releaseLock: (() => void) | undefined;
  if (options.dataDir) {
    mkdirSync(options.dataDir, { recursive: true });
    // Two PGlite processes writing one folder would corrupt it.
    releaseLock = acquireDataDirLock(options.dataDir);
  }
  let db: PGlite;
  try {
    db = await PGlite.create(
      options.dataDir
        ? { dataDir: options.dataDir }
        : options.snapshot
          ? { loadDataDir: options.snapshot }
          : {},
    );
  } catch (error) {
    releaseLock?.();
    throw new DbError(
      'UNAVAILABLE',
      `Could not open the embedded database at ${options.dataDir ?? '(memory)'}: ${(error as Error).message}. If it is damaged, move the folder away to start empty.`,
      { cause: error },
    );
  }
  const server = new PGLiteSocketServer({
    db,
    host,
    port: options.port,
    maxConnections: options.maxConnections ?? 64,
  });
  // Replace the per-message queue with one that keeps extended-query cycles together (see its docs).
  (server as unknown as { queryQueue: ProtocolAwareQueryQueue }).queryQueue =
    new ProtocolAwareQueryQueue(db);
  try {
    await server.start();
  } catch (error) {
    await db.close();
    releaseLock?.();
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE')
      throw portInUseError(host, options.port, error);
    throw error;
  }
  const port = Number(server.getServerConn().split(':').pop());
  let stopped = false;
  return {
    url: `postgresql://postgres@${host}:${port}/postgres?sslmode=disable`,
    port,
    async dumpDataDir() {
      return db.dumpDataDir('none');
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.stop();
      await db.close();
      releaseLock?.();
    },
  };
}
