/**
 * Sign-in limits per account and per client address, kept in Postgres (the RateLimit table,
 * through rate-limiter-flexible's RateLimiterPrisma) so every web server shares them.
 *
 * Every attempt is counted first, atomically in the database, so the calls of one batched tRPC
 * request count one by one. The first `free` attempts in a window go straight through; after that
 * the k-th extra attempt must wait base * 2^(k-1) s (capped) after the last one let through, and the
 * gate that enforces it is one database row per key, taken by one attempt at a time. A successful
 * sign-in clears the account's count and gives the address its attempt back.
 */
import type { Db } from '@loupe/db';
import { RateLimiterPrisma, RateLimiterRes } from 'rate-limiter-flexible';
import { AppError } from '../../errors/app-error';

export interface SignInLimitPolicy {
  /** Attempts per account (email) per window before delays start. */
  accountAttempts: number;
  /** Attempts per client address per window before delays start (a shared office NAT signs in often). */
  addressAttempts: number;
  /** How long an attempt counts (seconds). */
  windowSeconds: number;
  /** Wait after the first extra attempt (seconds); it doubles with each further one. */
  baseDelaySeconds: number;
  /** Longest delay between two attempts (seconds). */
  maxDelaySeconds: number;
}

export const DEFAULT_SIGN_IN_LIMITS: SignInLimitPolicy = {
  accountAttempts: 5,
  addressAttempts: 30,
  windowSeconds: 3600,
  baseDelaySeconds: 1,
  maxDelaySeconds: 900,
};

interface Limiters {
  attempts: RateLimiterPrisma;
  gate: RateLimiterPrisma;
}

/** One pair of limiters per database client (tests each have their own). */
const limitersByDb = new WeakMap<Db, Map<number, Limiters>>();

function limitersFor(db: Db, windowSeconds: number): Limiters {
  let byWindow = limitersByDb.get(db);
  if (!byWindow) limitersByDb.set(db, (byWindow = new Map()));
  let limiters = byWindow.get(windowSeconds);
  if (!limiters) {
    // tableName is the Prisma client's delegate name for the RateLimit model.
    const common = { storeClient: db, tableName: 'rateLimit' };
    limiters = {
      // Never refuses by itself: it only counts (penalty), the gate decides.
      attempts: new RateLimiterPrisma({
        ...common,
        keyPrefix: 'attempts',
        points: Number.MAX_SAFE_INTEGER,
        duration: windowSeconds,
      }),
      gate: new RateLimiterPrisma({ ...common, keyPrefix: 'gate', points: 1, duration: 1 }),
    };
    byWindow.set(windowSeconds, limiters);
  }
  return limiters;
}

export interface SignInKeys {
  /** The email as typed, lower-cased (unknown emails are limited the same way). */
  account: string;
  /** The client's address (see server/http/client-address.ts). */
  address: string;
}

function scopes(keys: SignInKeys, policy: SignInLimitPolicy) {
  return [
    { key: `account:${keys.account}`, free: policy.accountAttempts, what: 'this account' },
    { key: `address:${keys.address}`, free: policy.addressAttempts, what: 'your address' },
  ];
}

/** Counts one attempt; throws RATE_LIMITED ("try again in N s") when it must wait. */
export async function countSignInAttempt(
  db: Db,
  keys: SignInKeys,
  policy: SignInLimitPolicy,
): Promise<void> {
  const { attempts, gate } = limitersFor(db, policy.windowSeconds);
  for (const scope of scopes(keys, policy)) {
    const counted = await attempts.penalty(scope.key, 1);
    const extra = counted.consumedPoints - scope.free;
    if (extra <= 0) continue;
    const delaySeconds = Math.min(
      policy.baseDelaySeconds * 2 ** (extra - 1),
      policy.maxDelaySeconds,
    );
    try {
      await gate.consume(scope.key, 1, { customDuration: delaySeconds });
    } catch (refusal) {
      if (!(refusal instanceof RateLimiterRes)) throw refusal;
      const retryAfterSeconds = Math.max(1, Math.ceil(refusal.msBeforeNext / 1000));
      throw new AppError(
        'RATE_LIMITED',
        `Too many sign-in attempts for ${scope.what}; try again in ${retryAfterSeconds} s.`,
        { retryAfterSeconds },
      );
    }
  }
}

/** After a successful sign-in: the account starts afresh, the address gets its attempt back. */
export async function clearSignInAttempts(
  db: Db,
  keys: SignInKeys,
  policy: SignInLimitPolicy,
): Promise<void> {
  const { attempts, gate } = limitersFor(db, policy.windowSeconds);
  const [account, address] = scopes(keys, policy);
  await Promise.all([
    attempts.delete(account!.key),
    gate.delete(account!.key),
    attempts.reward(address!.key, 1),
  ]);
}
