import type { Db } from '@loupe/db';
import { hashPassword, MIN_PASSWORD_LENGTH } from '../../auth/password';
import { AppError } from '../../errors/app-error';

export interface CreateUserInput {
  email: string;
  name: string;
  password: string;
  isSiteAdmin?: boolean;
}

/** Creates a user, or updates name/password/admin flag if the email exists (the seed relies on this). */
export async function upsertUser(
  db: Db,
  input: CreateUserInput,
): Promise<{ id: string; email: string }> {
  if (input.password.length < MIN_PASSWORD_LENGTH)
    throw new AppError('BAD_INPUT', `Passwords need at least ${MIN_PASSWORD_LENGTH} characters.`);
  const email = input.email.trim().toLowerCase();
  const passwordHash = await hashPassword(input.password);
  return db.user.upsert({
    where: { email },
    create: { email, name: input.name, passwordHash, isSiteAdmin: input.isSiteAdmin ?? false },
    update: { name: input.name, passwordHash, isSiteAdmin: input.isSiteAdmin ?? false },
    select: { id: true, email: true },
  });
}
