/**
 * A flood of event batches from one user is answered TOO_MANY_REQUESTS with "try again in N s"
 * instead of filling the table. The page sends one batch every few seconds (more when it catches
 * up after an outage: one per task waiting), far below the limit; it retries 429 like an outage.
 * Counted in the RateLimit table (rate-limiter-flexible), shared by every web server.
 */
import type { Db } from '@loupe/db';
import { RateLimiterPrisma, RateLimiterRes } from 'rate-limiter-flexible';
import { AppError } from '../../errors/app-error';

export const EVENT_BATCHES_PER_MINUTE = 120;

const limiters = new WeakMap<Db, RateLimiterPrisma>();

export async function limitEventBatches(db: Db, userId: string): Promise<void> {
  let limiter = limiters.get(db);
  if (!limiter)
    limiters.set(
      db,
      (limiter = new RateLimiterPrisma({
        storeClient: db,
        tableName: 'rateLimit',
        keyPrefix: 'events',
        points: EVENT_BATCHES_PER_MINUTE,
        duration: 60,
      })),
    );
  try {
    await limiter.consume(`user:${userId}`);
  } catch (refusal) {
    if (!(refusal instanceof RateLimiterRes)) throw refusal;
    const retryAfterSeconds = Math.max(1, Math.ceil(refusal.msBeforeNext / 1000));
    throw new AppError(
      'RATE_LIMITED',
      `Too many event batches (${EVENT_BATCHES_PER_MINUTE} a minute); try again in ${retryAfterSeconds} s.`,
      { retryAfterSeconds },
    );
  }
}
