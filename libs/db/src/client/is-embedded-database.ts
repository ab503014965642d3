import type pg from 'pg';

/** PGlite reports itself in version(); it lacks cross-connection NOTIFY, so callers pick another path. */
export async function isEmbeddedDatabase(client: pg.Client | pg.Pool): Promise<boolean> {
  const result = await client.query<{ version: string }>('select version() as version');
  return /PGlite/i.test(result.rows[0]?.version ?? '');
}
