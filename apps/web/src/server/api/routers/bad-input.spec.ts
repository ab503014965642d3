/**
 * Input the database cannot store (NUL, lone surrogates from invalid UTF-8) is refused as 400
 * before any query, for anonymous callers too; events only for tasks the caller holds or held,
 * each stored once however often its batch is sent.
 * Runs on real Postgres and on the embedded database.
 */
import { randomUUID } from 'node:crypto';
import { testDatabaseKinds } from '@loupe/db/testing';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_BATCHES_PER_MINUTE } from '../../services/events/limit-event-batches';
import { createWebTestContext, type WebTestContext } from '../../testing/web-test-context';

const kinds = await testDatabaseKinds();

async function refusal(promise: Promise<unknown>): Promise<TRPCError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TRPCError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe.each(kinds)('bad input and event ownership (%s)', (kind) => {
  let ctx: WebTestContext;
  beforeAll(async () => {
    ctx = await createWebTestContext({ images: 3, kind });
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it('refuses NUL and invalid UTF-8 in ids as BAD_REQUEST naming the field, signed in or not', async () => {
    for (const who of [null, 'annotator'] as const) {
      const nul = await refusal(
        ctx.caller(who).tasks.get({ projectId: ctx.projectId, taskId: 'abc\u0000def' }),
      );
      expect(nul.code).toBe('BAD_REQUEST');
      expect(nul.message).toBe('taskId contains a NUL character; it cannot be stored.');
      const surrogate = await refusal(
        ctx.caller(who).projects.get({ projectId: `${ctx.projectId}\ud800` }),
      );
      expect(surrogate.code).toBe('BAD_REQUEST');
      expect(surrogate.message).toMatch(/^projectId is not valid Unicode/);
    }
  });

  it('refuses a NUL in the sign-in email or password as bad input, not a server error', async () => {
    const email = await refusal(
      ctx.caller(null).auth.signIn({ email: 'admin@test.local\u0000', password: 'whatever1' }),
    );
    expect(email.code).toBe('BAD_REQUEST');
    expect(email.message).toMatch(/^email contains a NUL/);
    const password = await refusal(
      ctx.caller(null).auth.signIn({ email: 'admin@test.local', password: 'a\u0000b' }),
    );
    expect(password.code).toBe('BAD_REQUEST');
  });

  it('refuses NUL inside event payloads and stores nothing of the batch', async () => {
    const task = (await ctx.caller('annotator').queue.next({ projectId: ctx.projectId }))!;
    const r = await refusal(
      ctx.caller('annotator').events.record({
        projectId: ctx.projectId,
        taskId: task.id,
        events: [
          { type: 'IMAGE_OPENED', payload: {}, clientTime: new Date() },
          { type: 'TAG', payload: { tag: 'bad\u0000tag' }, clientTime: new Date() },
        ],
      }),
    );
    expect(r.code).toBe('BAD_REQUEST');
    expect(r.message).toMatch(/^events\.1\.payload\.tag contains a NUL/);
    expect(await ctx.db.interactionEvent.count({ where: { taskId: task.id } })).toBe(0);
    await ctx.caller('annotator').queue.release({ projectId: ctx.projectId, taskId: task.id });
  });

  it('records events only for a task the caller holds, or held before (a late batch)', async () => {
    const task = (await ctx.caller('annotator').queue.next({ projectId: ctx.projectId }))!;
    const batch = (type: 'IMAGE_OPENED' | 'ACCEPT') => ({
      projectId: ctx.projectId,
      taskId: task.id,
      events: [{ type, payload: {}, clientTime: new Date() }],
    });
    // annotator2 never held it: a forged ACCEPT is refused with a reason.
    const forged = await refusal(ctx.caller('annotator2').events.record(batch('ACCEPT')));
    expect(forged.code).toBe('FORBIDDEN');
    expect(forged.message).toMatch(/only for tasks you hold/);
    expect(await ctx.caller('annotator').events.record(batch('IMAGE_OPENED'))).toMatchObject({
      recorded: 1,
    });
    // The holder lets go and annotator2 takes it; the holder's late batch still lands.
    await ctx.caller('annotator').queue.release({ projectId: ctx.projectId, taskId: task.id });
    await ctx.caller('annotator2').queue.open({ projectId: ctx.projectId, taskId: task.id });
    expect(await ctx.caller('annotator').events.record(batch('ACCEPT'))).toMatchObject({
      recorded: 1,
    });
    expect(await ctx.caller('annotator2').events.record(batch('IMAGE_OPENED'))).toMatchObject({
      recorded: 1,
    });
    // A reviewer who never opened it cannot add events either.
    expect((await refusal(ctx.caller('reviewer').events.record(batch('ACCEPT')))).code).toBe(
      'FORBIDDEN',
    );
    const stored = await ctx.db.interactionEvent.findMany({
      where: { taskId: task.id },
      select: { userId: true, type: true },
      orderBy: { id: 'asc' },
    });
    expect(stored).toEqual([
      { userId: ctx.users.annotator.id, type: 'IMAGE_OPENED' },
      { userId: ctx.users.annotator.id, type: 'ACCEPT' },
      { userId: ctx.users.annotator2.id, type: 'IMAGE_OPENED' },
    ]);
  });

  it('stores a replayed, retried or concurrently duplicated batch once; refuses far-future times', async () => {
    const task = (await ctx.caller('annotator').queue.next({ projectId: ctx.projectId }))!;
    const events = Array.from({ length: 4 }, (_, i) => ({
      clientEventId: randomUUID(),
      type: 'POSITIVE_POINT' as const,
      payload: { x: 5 + i, y: 6 },
      clientTime: new Date(),
    }));
    const input = { projectId: ctx.projectId, taskId: task.id, events: events.slice(0, 3) };
    expect(await ctx.caller('annotator').events.record(input)).toEqual({
      recorded: 3,
      duplicates: 0,
    });
    expect(await ctx.caller('annotator').events.record(input)).toEqual({
      recorded: 0,
      duplicates: 3,
    });
    // A retry that overlaps (one new event) and three copies of it at once.
    const overlapping = { ...input, events: [...events.slice(1), events[1]!] };
    const results = await Promise.all(
      [0, 1, 2].map(() => ctx.caller('annotator').events.record(overlapping)),
    );
    expect(results.reduce((sum, r) => sum + r.recorded, 0)).toBe(1);
    const stored = await ctx.db.interactionEvent.findMany({
      where: { taskId: task.id, type: 'POSITIVE_POINT' },
      select: { clientEventId: true },
    });
    expect(stored.map((e) => e.clientEventId).sort()).toEqual(
      events.map((e) => e.clientEventId).sort(),
    );
    const future = await refusal(
      ctx.caller('annotator').events.record({
        ...input,
        events: [{ type: 'UNDO', payload: {}, clientTime: new Date(Date.now() + 3 * 86_400_000) }],
      }),
    );
    expect(future.code).toBe('BAD_REQUEST');
    expect(future.message).toMatch(/clientTime is more than a day away/);
    const notUuid = await refusal(
      ctx.caller('annotator').events.record({
        ...input,
        events: [{ clientEventId: 'x', type: 'UNDO', payload: {}, clientTime: new Date() }],
      }),
    );
    expect(notUuid.code).toBe('BAD_REQUEST');
  });

  it('answers a flood of event batches TOO_MANY_REQUESTS with when to try again', async () => {
    const task = (await ctx.caller('admin').queue.next({ projectId: ctx.projectId }))!;
    const send = () =>
      ctx.caller('admin').events.record({
        projectId: ctx.projectId,
        taskId: task.id,
        events: [
          { clientEventId: randomUUID(), type: 'UNDO', payload: {}, clientTime: new Date() },
        ],
      });
    const outcomes = await Promise.all(
      Array.from({ length: EVENT_BATCHES_PER_MINUTE + 5 }, () =>
        send().then(
          () => 'ok',
          (error: TRPCError) => `${error.code}: ${error.message}`,
        ),
      ),
    );
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(EVENT_BATCHES_PER_MINUTE);
    expect(outcomes.filter((o) => o !== 'ok')).toEqual(
      Array(5).fill(
        expect.stringMatching(/^TOO_MANY_REQUESTS: Too many event batches .*try again in \d+ s\.$/),
      ),
    );
  });
});
