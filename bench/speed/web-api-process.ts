/**
 * Child process: the web app's real tRPC endpoint (apps/web's /api/trpc route handler, its
 * router, services and database client) served over HTTP on 127.0.0.1 by node:http, after seeding
 * BENCH_ANNOTATORS signed-up annotators on one project with one image (one task) each.
 * Used when no production build of the Next app exists (`next build` output in apps/web/.next);
 * the route handler is the same code Next runs for /api/trpc.
 * Env: DATABASE_URL, BLOB_DIR, ARTIFACT_DIR, BENCH_ANNOTATORS, BENCH_PASSWORD, BENCH_STARTER_MODEL_DIR
 * (registered and promoted, so saved proposals can name the model version that made them).
 * Prints READY {"url","projectId","users":[{"email"}]}.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { seedAnnotators } from './seed-annotators';
import { announceReady } from './child-process';

const annotators = Number(process.env['BENCH_ANNOTATORS'] ?? '50');
const password = process.env['BENCH_PASSWORD'] ?? 'bench-password';

// Imported after the env above is in place: the web app reads its env once, at import.
const route = await import('../../apps/web/src/app/api/trpc/[trpc]/route');
const { getDb } = await import('../../apps/web/src/server/db');
const { getStores } = await import('../../apps/web/src/server/blobs');

const starterModelDir = process.env['BENCH_STARTER_MODEL_DIR'];
const seeded = await seedAnnotators({
  db: getDb(),
  blobs: getStores().blobs,
  artifacts: getStores().artifacts,
  annotators,
  password,
  ...(starterModelDir ? { starterModelDir } : {}),
});

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const headers = new Headers();
    for (const [key, value] of Object.entries(req.headers)) if (typeof value === 'string') headers.set(key, value);
    const request = new Request(`http://127.0.0.1${req.url ?? '/'}`, {
      method: req.method ?? 'GET',
      headers,
      ...(req.method === 'POST' ? { body: Buffer.concat(chunks) } : {}),
    });
    const handler = req.method === 'POST' ? route.POST : route.GET;
    handler(request)
      .then(async (response) => {
        const outHeaders: Record<string, string | string[]> = {};
        response.headers.forEach((value, key) => {
          if (key !== 'set-cookie') outHeaders[key] = value;
        });
        const cookies = response.headers.getSetCookie();
        if (cookies.length) outHeaders['set-cookie'] = cookies;
        res.writeHead(response.status, outHeaders);
        res.end(Buffer.from(await response.arrayBuffer()));
      })
      .catch((error: unknown) => {
        console.error('[web-api] handler failed', error);
        res.writeHead(500);
        res.end();
      });
  });
});
server.keepAliveTimeout = 30_000;
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address() as AddressInfo;
announceReady({ url: `http://127.0.0.1:${port}`, ...seeded }, async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await getDb().$disconnect();
});
