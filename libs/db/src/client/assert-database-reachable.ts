import pg from 'pg';
import { DbError } from '../errors/db-error';
import { redactUrl } from './redact-url';

/** Connects once and runs `select 1`, turning the driver's error into one actionable line. */
export async function assertDatabaseReachable(url: string, timeoutMs = 5_000): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  // An 'error' event after a failed connect must not crash the process.
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('select 1');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new DbError(
      'UNAVAILABLE',
      `Cannot reach the database at ${redactUrl(url)} (${reason}); start that Postgres server or fix DATABASE_URL (unset it to use the embedded database).`,
      { cause: error },
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}
