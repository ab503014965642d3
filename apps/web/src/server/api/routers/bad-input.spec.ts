/**
 * Input the database cannot store (NUL, lone surrogates from invalid UTF-8) is refused as 400
 * before any query, for anonymous callers too; events only for tasks the caller holds or held.
 * Runs on real Postgres and on the embedded database.
 */
import { testDatabaseKinds } from '@loupe/db/testing';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
    expect(await ctx.caller('annotator').events.record(batch('IMAGE_OPENED'))).toEqual({
      recorded: 1,
    });
    // The holder lets go and annotator2 takes it; the holder's late batch still lands.
    await ctx.caller('annotator').queue.release({ projectId: ctx.projectId, taskId: task.id });
    await ctx.caller('annotator2').queue.open({ projectId: ctx.projectId, taskId: task.id });
    expect(await ctx.caller('annotator').events.record(batch('ACCEPT'))).toEqual({ recorded: 1 });
    expect(await ctx.caller('annotator2').events.record(batch('IMAGE_OPENED'))).toEqual({
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
});
