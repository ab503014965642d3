import type { Db } from '@loupe/db';
import { AppError } from '../../errors/app-error';
import { dummyPasswordHash, verifyPassword } from '../../auth/password';
import { createSessionToken, hashSessionToken } from '../../auth/session-token';
import type { SessionUser } from './get-session-user';
import { clearSignInAttempts, countSignInAttempt, type SignInLimitPolicy } from './sign-in-limits';

export interface SignInResult {
  user: SessionUser;
  /** The opaque cookie value; only its sha256 is stored. */
  token: string;
  expiresAt: Date;
}

/**
 * Checks email + password and opens a database session. Limited per account and per client
 * address (sign-in-limits.ts); the same message and the same argon2 work for an unknown email
 * and a wrong password.
 */
export async function signIn(
  db: Db,
  input: { email: string; password: string; clientAddress: string },
  options: { sessionDays: number; limits: SignInLimitPolicy },
): Promise<SignInResult> {
  const email = input.email.trim().toLowerCase();
  const keys = { account: email, address: input.clientAddress };
  await countSignInAttempt(db, keys, options.limits);
  const found = await db.user.findUnique({
    where: { email },
    select: {
      id: true,
      email: true,
      name: true,
      isSiteAdmin: true,
      disabledAt: true,
      passwordHash: true,
    },
  });
  const passwordOk = await verifyPassword(
    found?.passwordHash ?? (await dummyPasswordHash()),
    input.password,
  );
  if (!found || !passwordOk || found.disabledAt)
    throw new AppError('UNAUTHENTICATED', 'Wrong email or password.');
  await clearSignInAttempts(db, keys, options.limits);
  const token = createSessionToken();
  const expiresAt = new Date(Date.now() + options.sessionDays * 24 * 3600 * 1000);
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
