/**
 * One tRPC HTTP request: the app router with the request's context, errors logged once, and
 * `Retry-After` on refusals that say when to come back (database unreachable: 503; rate limited:
 * 429). The Next route (app/api/trpc) and the specs call this with their own database.
 */
import type { Db } from '@loupe/db';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import type { Stores } from '../blobs';
import { AppError } from '../errors/app-error';
import { retryAfterHeaders } from '../errors/to-http';
import { createContext } from './context';
import { appRouter } from './root';

export function handleTrpcRequest(req: Request, deps: { db: Db; stores: Stores }) {
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
      for (const error of errors) {
        if (!(error.cause instanceof AppError)) continue;
        const headers = retryAfterHeaders(error.cause);
        if (headers['Retry-After']) return { headers };
      }
      return {};
    },
    onError({ error, path }) {
      if (error.code === 'INTERNAL_SERVER_ERROR')
        console.error(`[loupe] tRPC ${path ?? '?'} failed`, error.cause ?? error);
    },
  });
}
