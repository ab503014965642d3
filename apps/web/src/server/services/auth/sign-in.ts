import type { Db } from '@loupe/db';
import { AppError } from '../../errors/app-error';
import { verifyPassword } from '../../auth/password';
import { createSessionToken, hashSessionToken } from '../../auth/session-token';
import type { SessionUser } from './get-session-user';

export interface SignInResult {
  user: SessionUser;
  /** The opaque cookie value; only its sha256 is stored. */
  token: string;
  expiresAt: Date;
}

/** Checks email + password and opens a database session. The same message for unknown email and wrong password. */
export async function signIn(
  db: Db,
  input: { email: string; password: string },
  sessionDays: number,
): Promise<SignInResult> {
  const found = await db.user.findUnique({
    where: { email: input.email.trim().toLowerCase() },
    select: {
      id: true,
      email: true,
      name: true,
      isSiteAdmin: true,
      disabledAt: true,
      passwordHash: true,
    },
  });
  const passwordOk = found ? await verifyPassword(found.passwordHash, input.password) : false;
  if (!found || !passwordOk || found.disabledAt)
    throw new AppError('UNAUTHENTICATED', 'Wrong email or password.');
  const token = createSessionToken();
  const expiresAt = new Date(Date.now() + sessionDays * 24 * 3600 * 1000);
  await db.session.create({
    data: { tokenHash: hashSessionToken(token), userId: found.id, expiresAt },
    select: { id: true },
  });
  return {
    user: { id: found.id, email: found.email, name: found.name, isSiteAdmin: found.isSiteAdmin },
    token,
    expiresAt,
  };
}
