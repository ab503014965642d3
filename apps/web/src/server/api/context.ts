/**
 * Per-request context: the database, the blob store, who is calling (resolved from the session
 * cookie), and a way for procedures to set cookies on the response.
 */
import type { Db } from '@loupe/db';
import type { Stores } from '../blobs';
import { getSessionUser, type SessionUser } from '../services/auth/get-session-user';
import { readSessionToken } from '../auth/session-token';
import { clientAddress } from '../http/client-address';

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
  const user = sessionToken ? await getSessionUser(opts.db, sessionToken) : null;
  return {
    db: opts.db,
    stores: opts.stores,
    user,
    sessionToken,
    clientAddress: clientAddress(opts.headers),
    setCookie: opts.setCookie,
  };
}
