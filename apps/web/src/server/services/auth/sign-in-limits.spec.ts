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
  // Long enough that an argon2 verify on a loaded machine never outlasts it.
  baseDelaySeconds: 5,
  maxDelaySeconds: 40,
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
    // The first extra attempt goes through and closes the gate for 5 s.
    expect(await attempt('wrong-3', address)).toBe('UNAUTHENTICATED');
    expect(await attempt('wrong-4', address)).toMatch(/^wait [1-5]$/);
    // Even the right password waits while the account is held back.
    expect(await attempt(TEST_PASSWORD, address)).toMatch(/^wait [1-5]$/);
    // As if the 5 s had passed: the gate's row expires.
    await ctx.db.rateLimit.deleteMany({ where: { key: 'gate:account:admin@test.local' } });
    // Refused attempts counted too: this is the 6th, so the next wait is 5 * 2^(6-2-1) = 40 s (the cap).
    expect(await attempt('wrong-6', address)).toBe('UNAUTHENTICATED');
    const message = await signIn(
      ctx.db,
      { email: 'ADMIN@test.local', password: 'x', clientAddress: address },
      { sessionDays: 1, limits: policy },
    ).catch((error: AppError) => error.message);
    expect(message).toMatch(
      /^Too many sign-in attempts for this account; try again in (3\d|40) s\.$/,
    );
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
    expect(results.slice(0, 5)).toEqual(Array(5).fill('UNAUTHENTICATED'));
    expect(results[5]).toMatch(/^wait [1-5]$/);
    const message = await signIn(
      ctx.db,
      { email: 'other@test.local', password: 'x', clientAddress: address },
      { sessionDays: 1, limits: policy },
    ).catch((error: AppError) => error.message);
    expect(message).toMatch(/for your address; try again in/);
  });

  it('counts concurrent calls (a batched tRPC request) one by one', async () => {
    // tRPC runs each call of a batch as its own procedure call, concurrently: as here.
    const limits = { ...policy, addressAttempts: 100 };
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        outcome(
          signIn(
            ctx.db,
            { email: 'reviewer@test.local', password: 'wrong', clientAddress: '198.51.100.3' },
            { sessionDays: 1, limits },
          ),
        ),
      ),
    );
    // The free attempts, plus the one extra attempt that takes the gate; the rest wait.
    expect(results.filter((r) => r === 'UNAUTHENTICATED')).toHaveLength(policy.accountAttempts + 1);
    expect(results.filter((r) => r.startsWith('wait '))).toHaveLength(
      20 - policy.accountAttempts - 1,
    );
  });

  it('answers TOO_MANY_REQUESTS through tRPC', async () => {
    const caller = ctx.caller(null, '198.51.100.5');
    const codes: string[] = [];
    for (let i = 0; i < DEFAULT_SIGN_IN_LIMITS.accountAttempts + 2; i++)
      codes.push(
        await outcome(caller.auth.signIn({ email: 'siteadmin@test.local', password: 'wrong' })),
      );
    expect(codes.slice(0, DEFAULT_SIGN_IN_LIMITS.accountAttempts)).toEqual(
      Array(DEFAULT_SIGN_IN_LIMITS.accountAttempts).fill('UNAUTHORIZED'),
    );
    expect(codes).toContain('TOO_MANY_REQUESTS');
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
    for (let i = 1; i <= 7; i++) {
      known.push(await time('admin@test.local', i));
      unknown.push(await time(`nobody-${i}@test.local`, i + 10));
    }
    // Without the dummy verify an unknown email skips argon2 entirely (database round trips only,
    // a small fraction of the time); the margin absorbs a loaded machine's noise.
    expect(median(unknown)).toBeGreaterThan(median(known) * 0.3);
  });
});
