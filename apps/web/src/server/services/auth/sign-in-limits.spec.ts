/**
 * Sign-in limits on real Postgres and on the embedded database: delays that grow per account and
 * per client address, "try again in N s", the calls of one batch counted one by one, a correct
 * password refused while the account waits, and unknown emails costing the same argon2 work.
 */
import { testDatabaseKinds } from '@loupe/db/testing';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createWebTestContext,
  TEST_PASSWORD,
  type WebTestContext,
} from '../../testing/web-test-context';
import { AppError } from '../../errors/app-error';
import { signIn } from './sign-in';
import { DEFAULT_SIGN_IN_LIMITS, type SignInLimitPolicy } from './sign-in-limits';

const kinds = await testDatabaseKinds();

const policy: SignInLimitPolicy = {
  accountAttempts: 2,
  addressAttempts: 4,
  windowSeconds: 3600,
  maxDelaySeconds: 8,
};

async function outcome(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    if (error instanceof AppError)
      return error.code === 'RATE_LIMITED'
        ? `wait ${String(error.details?.['retryAfterSeconds'])}`
        : error.code;
    if (error instanceof TRPCError) return error.code;
    throw error;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(kinds)('sign-in limits (%s)', (kind) => {
  let ctx: WebTestContext;
  beforeAll(async () => {
    ctx = await createWebTestContext({ images: 0, kind });
  });
  afterAll(async () => {
    await ctx?.close();
  });

  const attempt = (password: string, address: string, email = 'admin@test.local') =>
    outcome(
      signIn(
        ctx.db,
        { email, password, clientAddress: address },
        { sessionDays: 1, limits: policy },
      ),
    );

  it('lets the first attempts through, then makes each next one wait longer', async () => {
    const address = '198.51.100.1';
    expect(await attempt('wrong-1', address)).toBe('UNAUTHENTICATED');
    expect(await attempt('wrong-2', address)).toBe('UNAUTHENTICATED');
    // The first extra attempt goes through and closes the gate for 1 s.
    expect(await attempt('wrong-3', address)).toBe('UNAUTHENTICATED');
    expect(await attempt('wrong-4', address)).toBe('wait 1');
    // Even the right password waits while the account is held back.
    expect(await attempt(TEST_PASSWORD, address)).toBe('wait 1');
    await sleep(1_100);
    // Refused attempts counted too: this is the 6th, so the next wait is 2^(6-2-1) = 8 s (the cap).
    expect(await attempt('wrong-6', address)).toBe('UNAUTHENTICATED');
    const message = await signIn(
      ctx.db,
      { email: 'ADMIN@test.local', password: 'x', clientAddress: address },
      { sessionDays: 1, limits: policy },
    ).catch((error: AppError) => error.message);
    expect(message).toMatch(/^Too many sign-in attempts for this account; try again in [78] s\.$/);
    const stored = await ctx.db.rateLimit.findMany({
      where: { key: { contains: 'admin@test.local' } },
      select: { key: true, points: true },
      orderBy: { key: 'asc' },
    });
    expect(stored).toEqual([
      { key: 'attempts:account:admin@test.local', points: 7 },
      { key: 'gate:account:admin@test.local', points: expect.any(Number) },
    ]);
  });

  it('limits one address across accounts, unknown emails included', async () => {
    const address = '198.51.100.2';
    const results: string[] = [];
    for (let i = 0; i < 6; i++)
      results.push(await attempt('wrong', address, `nobody-${i}@test.local`));
    // 4 free, the 5th goes through and shuts the gate, the 6th waits.
    expect(results).toEqual([...Array(5).fill('UNAUTHENTICATED'), 'wait 1']);
    const message = await signIn(
      ctx.db,
      { email: 'other@test.local', password: 'x', clientAddress: address },
      { sessionDays: 1, limits: policy },
    ).catch((error: AppError) => error.message);
    expect(message).toMatch(/for your address; try again in/);
  });

  it('counts the calls of one batched request one by one (tRPC, default limits)', async () => {
    const caller = ctx.caller(null, '198.51.100.3');
    const calls = Array.from({ length: 20 }, () =>
      outcome(caller.auth.signIn({ email: 'reviewer@test.local', password: 'wrong-password' })),
    );
    const results = await Promise.all(calls);
    const verified = results.filter((r) => r === 'UNAUTHORIZED').length;
    const limited = results.filter((r) => r === 'TOO_MANY_REQUESTS').length;
    // The free attempts, plus the one extra attempt that takes the gate.
    expect({ verified, limited }).toEqual({
      verified: DEFAULT_SIGN_IN_LIMITS.accountAttempts + 1,
      limited: 20 - DEFAULT_SIGN_IN_LIMITS.accountAttempts - 1,
    });
  });

  it('a successful sign-in clears the account count', async () => {
    const address = '198.51.100.4';
    const email = 'annotator@test.local';
    await ctx.db.user.update({
      where: { email },
      data: {
        passwordHash: (
          await ctx.db.user.findUniqueOrThrow({ where: { email: 'admin@test.local' } })
        ).passwordHash,
      },
    });
    expect(await attempt('wrong', address, email)).toBe('UNAUTHENTICATED');
    expect(await attempt(TEST_PASSWORD, address, email)).toBe('ok');
    expect(await ctx.db.rateLimit.count({ where: { key: `attempts:account:${email}` } })).toBe(0);
    expect(await attempt('wrong', address, email)).toBe('UNAUTHENTICATED');
    expect(await attempt('wrong', address, email)).toBe('UNAUTHENTICATED');
  });

  it('spends the same argon2 work on an unknown email as on a wrong password', async () => {
    const limits = { ...policy, accountAttempts: 100, addressAttempts: 100 };
    const time = async (email: string, i: number) => {
      const started = performance.now();
      await signIn(
        ctx.db,
        { email, password: 'wrong', clientAddress: `203.0.113.${i}` },
        { sessionDays: 1, limits },
      ).catch(() => undefined);
      return performance.now() - started;
    };
    await time('nobody@test.local', 0); // computes the dummy hash once
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 1; i <= 5; i++) {
      known.push(await time('admin@test.local', i));
      unknown.push(await time(`nobody-${i}@test.local`, i + 10));
    }
    // Without the dummy verify an unknown email skips argon2 entirely (a third of the time or less).
    expect(median(unknown)).toBeGreaterThan(median(known) * 0.6);
  });
});
