/**
 * Per-request context: the database, the blob store, who is calling (resolved from the session
 * cookie), and a way for procedures to set cookies on the response.
 */
import type { Db } from '@loupe/db';
import { TRPCError } from '@trpc/server';
import type { Stores } from '../blobs';
import { getSessionUser, type SessionUser } from '../services/auth/get-session-user';
import { readSessionToken } from '../auth/session-token';
import { clientAddress } from '../http/client-address';
import { APP_ERROR_HTTP, toAppError } from '../errors/to-http';

export interface Context {
  db: Db;
  stores: Stores;
  user: SessionUser | null;
  /** The raw session token (for sign-out). */
  sessionToken: string | null;
  /** Where the request came from, for per-address limits (server/http/client-address.ts). */
  clientAddress: string;
  setCookie: (cookie: string) => void;
}

export async function createContext(opts: {
  db: Db;
  stores: Stores;
  headers: Headers;
  setCookie: (cookie: string) => void;
}): Promise<Context> {
  const sessionToken = readSessionToken(opts.headers.get('cookie'));
  let user: SessionUser | null = null;
  try {
    user = sessionToken ? await getSessionUser(opts.db, sessionToken) : null;
  } catch (error) {
    // Context creation runs outside the procedures' error middleware: map here, so a database
    // that is down answers 503 (retry later), not 500.
    const appError = toAppError(error);
    if (appError.code === 'INTERNAL') throw error;
    throw new TRPCError({
      code: APP_ERROR_HTTP[appError.code].trpc,
      message: appError.message,
      cause: appError,
    });
  }
  return {
    db: opts.db,
    stores: opts.stores,
    user,
    sessionToken,
    clientAddress: clientAddress(opts.headers),
    setCookie: opts.setCookie,
  };
}
