/**
 * A database that cannot be reached answers 503 with Retry-After and a message saying the work is
 * kept, for tRPC (procedures and context creation) and the route handlers, never 500. Real
 * databases only: a Prisma client on a port nothing listens on, and an embedded server stopped
 * under a client that was using it.
 */
import { createServer } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBlobStore, createDb, Prisma } from '@loupe/db';
import { createTestDatabaseOn } from '@loupe/db/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { handleTrpcRequest } from '../api/handle-trpc-request';
import type { Stores } from '../blobs';
import { upsertUser } from '../services/users/create-user';
import { DATABASE_UNAVAILABLE_MESSAGE, isDatabaseUnreachable } from './from-db-error';
import { errorResponse, toAppError } from './to-http';

const PASSWORD = 'correct horse battery';
const root = mkdtempSync(join(tmpdir(), 'loupe-db-down-'));
const stores: Stores = {
  blobs: createBlobStore(join(root, 'blobs')),
  artifacts: createBlobStore(join(root, 'artifacts')),
};
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A localhost port that was free a moment ago and has nothing listening now. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function signInRequest(email: string, cookie?: string): Request {
  return new Request('http://localhost/api/trpc/auth.signIn?batch=1', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
    body: JSON.stringify({ 0: { json: { email, password: PASSWORD } } }),
  });
}

async function trpcError(response: Response) {
  const body = (await response.json()) as Array<{
    error?: { json: { message: string; data: { appCode: string | null; httpStatus: number } } };
  }>;
  return body[0]?.error?.json;
}

describe('database unavailable', () => {
  it('a Prisma client on a closed port: 503, Retry-After, the kept-work message', async () => {
    const db = createDb(`postgresql://postgres@127.0.0.1:${await closedPort()}/postgres`, {
      connectionTimeoutMs: 2_000,
    });
    try {
      const error = await db.user.findFirst().catch((e: unknown) => e);
      expect(isDatabaseUnreachable(error)).toBe(true);
      expect(toAppError(error)).toMatchObject({
        code: 'UNAVAILABLE',
        message: DATABASE_UNAVAILABLE_MESSAGE,
      });
      const raw = await db.$queryRaw`select 1`.catch((e: unknown) => e);
      expect(toAppError(raw).code).toBe('UNAVAILABLE');

      // Route handlers (uploads, images, exports) answer through errorResponse.
      const rest = errorResponse(error);
      expect(rest.status).toBe(503);
      expect(rest.headers.get('retry-after')).toBe('5');
      expect(await rest.json()).toEqual({
        error: {
          code: 'UNAVAILABLE',
          message: DATABASE_UNAVAILABLE_MESSAGE,
          details: { retryAfterSeconds: 5 },
        },
      });

      const response = await handleTrpcRequest(signInRequest('nobody@example.com'), {
        db,
        stores,
      });
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('5');
      expect(await trpcError(response)).toMatchObject({
        message: DATABASE_UNAVAILABLE_MESSAGE,
        data: { appCode: 'UNAVAILABLE', httpStatus: 503 },
      });
    } finally {
      await db.$disconnect();
    }
  });

  it('an embedded server stopped under a working client: 503 for procedures and sessions', async () => {
    const database = await createTestDatabaseOn('embedded', { poolSize: 2 });
    // Our own client, so closing the test database stops the server under it.
    const db = createDb(database.url, { poolSize: 2, connectionTimeoutMs: 2_000 });
    try {
      await upsertUser(db, { email: 'a@example.com', name: 'A', password: PASSWORD });
      const signedIn = await handleTrpcRequest(signInRequest('a@example.com'), { db, stores });
      expect(signedIn.status).toBe(200);
      // The server's own time, for load tests (bench:queue) to tell it from time queued.
      expect(signedIn.headers.get('server-timing')).toMatch(/^handler;dur=\d+(\.\d)?$/);
      const cookie = signedIn.headers.get('set-cookie')!.split(';')[0]!;
      const me = (cookie: string) =>
        handleTrpcRequest(
          new Request('http://localhost/api/trpc/auth.me?batch=1&input=%7B%7D', {
            headers: { cookie },
          }),
          { db, stores },
        );
      expect((await me(cookie)).status).toBe(200);
      // Sessions seen in the last seconds are answered from memory; another token is not.
      const unseen = `${cookie.split('=')[0]!}=${'x'.repeat(43)}`;

      await database.close();

      // Pooled connections die first ("Connection terminated"), then new ones are refused.
      for (let attempt = 0; attempt < 3; attempt++) {
        const refused = await handleTrpcRequest(signInRequest('a@example.com'), { db, stores });
        expect(refused.status).toBe(503);
        expect(refused.headers.get('retry-after')).toBe('5');
        expect(refused.headers.get('server-timing')).toMatch(/^handler;dur=/);
        expect((await trpcError(refused))?.data.appCode).toBe('UNAVAILABLE');
        // The session is read while the context is made, outside the procedures' middleware.
        const session = await me(unseen);
        expect(session.status).toBe(503);
        expect(session.headers.get('retry-after')).toBe('5');
        expect((await trpcError(session))?.message).toBe(DATABASE_UNAVAILABLE_MESSAGE);
      }
    } finally {
      await db.$disconnect();
    }
  });

  it('a raw query refused while a crashed Postgres recovers (P2010, SQLSTATE 57P03 in meta): 503', () => {
    // The shape bench:faults' Postgres crash produced (logged as a 500 before this was mapped).
    const recovering = new Prisma.PrismaClientKnownRequestError(
      'Invalid `prisma.$queryRaw()` invocation:\n\nRaw query failed. Code: `57P03`. Message: `the database system is starting up`',
      { code: 'P2010', clientVersion: Prisma.prismaVersion.client, meta: { code: '57P03' } },
    );
    expect(isDatabaseUnreachable(recovering)).toBe(true);
    expect(toAppError(recovering).code).toBe('UNAVAILABLE');
    // A raw query that failed for its own reasons (syntax error, 42601) stays internal.
    const syntax = new Prisma.PrismaClientKnownRequestError('Raw query failed. Code: `42601`.', {
      code: 'P2010',
      clientVersion: Prisma.prismaVersion.client,
      meta: { code: '42601' },
    });
    expect(toAppError(syntax).code).toBe('INTERNAL');
  });

  it('other errors stay what they were', () => {
    expect(isDatabaseUnreachable(new Error('relation "User" does not exist'))).toBe(false);
    expect(isDatabaseUnreachable(Object.assign(new Error('unique'), { code: 'P2002' }))).toBe(
      false,
    );
    // A PACS fetch that fails on a refused socket is not the database.
    const fetchFailed = new TypeError('fetch failed', {
      cause: Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:8042'), {
        code: 'ECONNREFUSED',
      }),
    });
    expect(toAppError(fetchFailed).code).toBe('INTERNAL');
  });
});
