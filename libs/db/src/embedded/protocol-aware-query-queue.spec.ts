import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedDatabase } from './start-embedded-database';

describe('embedded database under concurrent connections', () => {
  let database: Awaited<ReturnType<typeof startEmbeddedDatabase>>;
  beforeAll(async () => {
    database = await startEmbeddedDatabase({ port: 0 });
  });
  afterAll(async () => {
    await database?.stop();
  });

  it("keeps each client's parameterized queries and transactions intact", async () => {
    const clients = await Promise.all(
      Array.from({ length: 12 }, async () => {
        const client = new pg.Client({ connectionString: database.url });
        await client.connect();
        return client;
      }),
    );
    await clients[0]!.query('CREATE TABLE counter (client int PRIMARY KEY, n int NOT NULL)');
    try {
      // Different parameter counts per client: interleaved Parse/Bind across clients fails loudly.
      const results = await Promise.all(
        clients.map(async (client, c) => {
          await client.query('INSERT INTO counter VALUES ($1, 0)', [c]);
          const sums: number[] = [];
          for (let i = 0; i < 15; i += 1) {
            const params = Array.from({ length: (c % 4) + 1 }, (_, k) => i + k);
            const placeholders = params.map((_, k) => `$${k + 1}::int`).join(' + ');
            const { rows } = await client.query<{ sum: number }>(
              `SELECT ${placeholders} AS sum`,
              params,
            );
            sums.push(rows[0]!.sum);
            await client.query('BEGIN');
            await client.query('UPDATE counter SET n = n + $1 WHERE client = $2', [1, c]);
            await client.query('COMMIT');
          }
          return { c, sums };
        }),
      );
      for (const { c, sums } of results) {
        const width = (c % 4) + 1;
        const expected = Array.from(
          { length: 15 },
          (_, i) => width * i + (width * (width - 1)) / 2,
        );
        expect(sums).toEqual(expected);
      }
      const { rows } = await clients[0]!.query<{ n: number }>(
        'SELECT n FROM counter ORDER BY client',
      );
      expect(rows.map((row) => row.n)).toEqual(clients.map(() => 15));
    } finally {
      await Promise.all(clients.map((client) => client.end()));
    }
  });
});
