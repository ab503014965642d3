import type { Db } from '@loupe/db';
import { hashSessionToken } from '../../auth/session-token';

export interface SessionUser {
  id: string;
  email: string;
  name: string;
  isSiteAdmin: boolean;
}

/** The user behind a session token, or null when the session is unknown, expired or the user disabled. */
export async function getSessionUser(db: Db, token: string): Promise<SessionUser | null> {
  const session = await db.session.findUnique({
    where: { tokenHash: hashSessionToken(token) },
    select: {
      expiresAt: true,
      user: { select: { id: true, email: true, name: true, isSiteAdmin: true, disabledAt: true } },
    },
  });
  if (!session || session.expiresAt.getTime() <= Date.now() || session.user.disabledAt) return null;
  const { disabledAt: _disabledAt, ...user } = session.user;
  return user;
}
