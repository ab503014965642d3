/**
 * src/middleware.ts skips tRPC, so handleTrpcRequest applies its rules itself: a mutation from
 * another origin is refused before anything runs, and every answer carries the API policy.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBlobStore, createDb } from '@loupe/db';
import { afterAll, describe, expect, it } from 'vitest';
import { API_CONTENT_SECURITY_POLICY } from '../http/content-security-policy';
import type { Stores } from '../blobs';
import { handleTrpcRequest } from './handle-trpc-request';

const root = mkdtempSync(join(tmpdir(), 'loupe-trpc-origin-'));
const stores: Stores = {
  blobs: createBlobStore(join(root, 'blobs')),
  artifacts: createBlobStore(join(root, 'artifacts')),
};
// Never queried: the refusal comes first, and the query below reads no database.
const db = createDb('postgresql://postgres@127.0.0.1:1/never-reached', {
  connectionTimeoutMs: 500,
});
afterAll(async () => {
  await db.$disconnect();
  rmSync(root, { recursive: true, force: true });
});

function signIn(headers: Record<string, string>): Request {
  return new Request('http://app.test/api/trpc/auth.signIn', {
    method: 'POST',
    headers: { host: 'app.test', 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ json: { email: 'a@example.com', password: 'correct horse battery' } }),
  });
}

describe('handleTrpcRequest: the middleware rules', () => {
  it('refuses a mutation from another origin with 403, the reason and the API policy', async () => {
    const refused = await handleTrpcRequest(signIn({ origin: 'http://evil.test' }), { db, stores });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('content-security-policy')).toBe(API_CONTENT_SECURITY_POLICY);
    expect(refused.headers.get('set-cookie')).toBeNull();
    expect(await refused.json()).toEqual({
      error: {
        code: 'FORBIDDEN',
        message: expect.stringContaining('Origin "http://evil.test" is not this app') as string,
        details: { check: 'origin' },
      },
    });
    const crossSite = await handleTrpcRequest(signIn({ 'sec-fetch-site': 'cross-site' }), {
      db,
      stores,
    });
    expect(crossSite.status).toBe(403);
  });

  it('answers everything else with the API policy (a query that needs no database)', async () => {
    const me = await handleTrpcRequest(new Request('http://app.test/api/trpc/auth.me'), {
      db,
      stores,
    });
    expect(me.status).toBe(200);
    expect(me.headers.get('content-security-policy')).toBe(API_CONTENT_SECURITY_POLICY);
    expect(me.headers.get('server-timing')).toMatch(/^handler;dur=/);
  });
});
