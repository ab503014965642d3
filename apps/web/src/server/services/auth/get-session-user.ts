import type { Db } from '@loupe/db';
import { hashSessionToken } from '../../auth/session-token';
import { TtlCache } from '../../auth/ttl-cache';

export interface SessionUser {
  id: string;
  email: string;
  name: string;
  isSiteAdmin: boolean;
}

/** Sessions seen in the last few seconds (per database client, so tests never share entries). */
const recentSessions = new WeakMap<Db, TtlCache<{ user: SessionUser; expiresAt: number }>>();
export const SESSION_CACHE_MS = 5_000;

export function forgetSession(db: Db, token: string): void {
  recentSessions.get(db)?.delete(hashSessionToken(token));
}

/** The user behind a session token, or null when the session is unknown, expired or the user disabled. */
export async function getSessionUser(db: Db, token: string): Promise<SessionUser | null> {
  const tokenHash = hashSessionToken(token);
  let cache = recentSessions.get(db);
  if (!cache) recentSessions.set(db, (cache = new TtlCache(SESSION_CACHE_MS)));
  const cached = cache.get(tokenHash);
  if (cached && cached.expiresAt > Date.now()) return cached.user;
  const session = await db.session.findUnique({
    where: { tokenHash },
    select: {
      expiresAt: true,
      user: { select: { id: true, email: true, name: true, isSiteAdmin: true, disabledAt: true } },
    },
  });
  if (!session || session.expiresAt.getTime() <= Date.now() || session.user.disabledAt) return null;
  const { disabledAt: _disabledAt, ...user } = session.user;
  cache.set(tokenHash, { user, expiresAt: session.expiresAt.getTime() });
  return user;
}
