import type { Db } from '@loupe/db';
import { hashSessionToken } from '../../auth/session-token';
import { forgetSession } from './get-session-user';

/** Deletes the session row, so the cookie is worthless even if it was copied. */
export async function signOut(db: Db, token: string): Promise<void> {
  await db.session.deleteMany({ where: { tokenHash: hashSessionToken(token) } });
  forgetSession(db, token);
}
