/**
 * One tRPC HTTP request: the same-origin rule for mutations and the API's content security policy
 * (src/middleware.ts skips tRPC), the app router with the request's context, errors logged once,
 * `Retry-After` on refusals that say when to come back (database unreachable: 503; rate limited:
 * 429), and `Server-Timing: handler;dur=<ms>` (context + procedure, so a load test can tell the
 * server's time from time spent queued before it). The Next route (app/api/trpc) and the specs
 * call this with their own database.
 */
import type { Db } from '@loupe/db';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import type { Stores } from '../blobs';
import { AppError } from '../errors/app-error';
import { retryAfterHeaders } from '../errors/to-http';
import { API_CONTENT_SECURITY_POLICY } from '../http/content-security-policy';
import { refuseOtherOrigins } from '../http/refuse-other-origins';
import { createContext } from './context';
import { appRouter } from './root';

export async function handleTrpcRequest(
  req: Request,
  deps: { db: Db; stores: Stores },
): Promise<Response> {
  const started = performance.now();
  // src/middleware.ts skips tRPC: in a CPU profile of the server under bench:queue its sandbox
  // and the request body copy it forces took 7-10% of the server's time; the rule is the same.
  const response = refuseOtherOrigins(req) ?? (await answer(req, deps, started));
  response.headers.set('Content-Security-Policy', API_CONTENT_SECURITY_POLICY);
  return response;
}

function answer(req: Request, deps: { db: Db; stores: Stores }, started: number) {
  return fetchRequestHandler({
    endpoint: '/api/trpc',
    req,
    router: appRouter,
    createContext: ({ resHeaders }) =>
      createContext({
        db: deps.db,
        stores: deps.stores,
        headers: req.headers,
        setCookie: (cookie) => resHeaders.append('Set-Cookie', cookie),
      }),
    responseMeta({ errors }) {
      const timing = { 'Server-Timing': `handler;dur=${(performance.now() - started).toFixed(1)}` };
      for (const error of errors) {
        if (!(error.cause instanceof AppError)) continue;
        const headers = retryAfterHeaders(error.cause);
        if (headers['Retry-After']) return { headers: { ...headers, ...timing } };
      }
      return { headers: timing };
    },
    onError({ error, path }) {
      if (error.code === 'INTERNAL_SERVER_ERROR')
        console.error(`[loupe] tRPC ${path ?? '?'} failed`, error.cause ?? error);
    },
  });
}
