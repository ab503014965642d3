import type { DbEnv } from '../config/db-env';
import { embeddedDataDir } from '../config/db-env';
import { startEmbeddedDatabase } from '../embedded/start-embedded-database';

/**
 * Runs `fn` with a database URL: DATABASE_URL when set, else the embedded database under DATA_DIR,
 * started for the duration of `fn` (on a free port, so it never collides with a running `npm start`;
 * the data-folder lock still refuses to open it twice).
 */
export async function withDatabaseUrl<T>(env: DbEnv, fn: (url: string) => Promise<T>): Promise<T> {
  if (env.DATABASE_URL) return fn(env.DATABASE_URL);
  const embedded = await startEmbeddedDatabase({ dataDir: embeddedDataDir(env), port: 0 });
  try {
    return await fn(embedded.url);
  } finally {
    await embedded.stop();
  }
}
