/** Password hashing: argon2id with @node-rs/argon2's defaults (memory-hard, salted, PHC string). */
import { hash, verify } from '@node-rs/argon2';

export const MIN_PASSWORD_LENGTH = 8;

export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

/**
 * A hash of nothing anyone knows, computed once: unknown emails are verified against it, so
 * they cost the same argon2 work as a wrong password and timing does not tell accounts apart.
 */
let dummyHash: Promise<string> | null = null;
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hash(`no account ${Math.random()}`);
  return dummyHash;
}

/** False for a wrong password or a malformed stored hash (never throws on bad input). */
export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    // A malformed hash is a failed sign-in, not a server error.
    return false;
  }
}
