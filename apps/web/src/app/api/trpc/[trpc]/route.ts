import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { appRouter } from '../../../../server/api/root';
import { createContext } from '../../../../server/api/context';
import { getStores } from '../../../../server/blobs';
import { getDb } from '../../../../server/db';

export const dynamic = 'force-dynamic';

function handler(req: Request) {
  return fetchRequestHandler({
    endpoint: '/api/trpc',
    req,
    router: appRouter,
    createContext: ({ resHeaders }) =>
      createContext({
        db: getDb(),
        stores: getStores(),
        headers: req.headers,
        setCookie: (cookie) => resHeaders.append('Set-Cookie', cookie),
      }),
    onError({ error, path }) {
      if (error.code === 'INTERNAL_SERVER_ERROR')
        console.error(`[loupe] tRPC ${path ?? '?'} failed`, error.cause ?? error);
    },
  });
}

export { handler as GET, handler as POST };
