import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { isEmbeddedDatabase } from '../client/is-embedded-database';
import { DbError } from '../errors/db-error';
import { startEmbeddedDatabase } from './start-embedded-database';

const scratch = mkdtempSync(join(tmpdir(), 'loupe-embedded-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

describe('startEmbeddedDatabase', () => {
  it('persists data in dataDir across a restart, serves several connections, and refuses a second opener', async () => {
    const dataDir = join(scratch, 'pg');
    const first = await startEmbeddedDatabase({ dataDir, port: 0 });
    try {
      await query(first.url, 'CREATE TABLE kept (id int primary key, note text)');
      await query(first.url, "INSERT INTO kept VALUES (1, 'survives')");
      const clients = await Promise.all(
        [1, 2, 3].map(() => query<{ n: number }>(first.url, 'SELECT count(*)::int AS n FROM kept')),
      );
      expect(clients.map((rows) => rows[0]?.n)).toEqual([1, 1, 1]);
      await expect(startEmbeddedDatabase({ dataDir, port: 0 })).rejects.toThrow(
        /already open in process \d+/,
      );
    } finally {
      await first.stop();
    }
    const second = await startEmbeddedDatabase({ dataDir, port: 0 });
    try {
      expect(await query(second.url, 'SELECT note FROM kept')).toEqual([{ note: 'survives' }]);
      const client = new pg.Client({ connectionString: second.url });
      await client.connect();
      expect(await isEmbeddedDatabase(client)).toBe(true);
      await client.end();
    } finally {
      await second.stop();
    }
  });

  it('names the port and the fix when the port is taken', async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const port = (holder.address() as AddressInfo).port;
    try {
      const failure = startEmbeddedDatabase({ port });
      await expect(failure).rejects.toBeInstanceOf(DbError);
      await expect(failure).rejects.toThrow(
        `Port ${port} on 127.0.0.1 is already in use; stop what runs there or set LOUPE_DB_PORT to a free port.`,
      );
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  });
});
