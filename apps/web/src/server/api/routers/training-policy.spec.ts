/**
 * Project admins edit the training policy through the projects router, on a real database: the
 * values persist, out-of-range or empty updates are refused with the field named, and a refused
 * update changes nothing.
 */
import { TRPCError } from '@trpc/server';
import { ZodError } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebTestContext, type WebTestContext } from '../../testing/web-test-context';

async function refusal(promise: Promise<unknown>): Promise<{ code: string; fields: string[] }> {
  try {
    await promise;
  } catch (error) {
    if (!(error instanceof TRPCError)) throw error;
    const fields =
      error.cause instanceof ZodError
        ? error.cause.issues.map((issue) => issue.path.join('.'))
        : [];
    return { code: error.code, fields };
  }
  throw new Error('expected the call to be refused');
}

describe('projects.trainingPolicy / updateTrainingPolicy', () => {
  let ctx: WebTestContext;
  beforeAll(async () => {
    ctx = await createWebTestContext({ images: 0 });
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it('reads the defaults, then saves a partial update and leaves the other settings alone', async () => {
    const admin = ctx.caller('admin');
    const before = await admin.projects.trainingPolicy({ projectId: ctx.projectId });
    expect(before).toMatchObject({
      autoTrain: true,
      finetuneMinNewMasks: 20,
      finetuneEpochs: 4,
      holdoutFraction: 0.2,
    });

    const after = await admin.projects.updateTrainingPolicy({
      projectId: ctx.projectId,
      policy: { finetuneMinNewMasks: 5, holdoutFraction: 0.3, autoTrain: false },
    });
    expect(after).toEqual({
      ...before,
      finetuneMinNewMasks: 5,
      holdoutFraction: 0.3,
      autoTrain: false,
    });
    const stored = await ctx.db.project.findUniqueOrThrow({ where: { id: ctx.projectId } });
    expect(stored).toMatchObject({
      finetuneMinNewMasks: 5,
      holdoutFraction: 0.3,
      autoTrain: false,
      finetuneEpochs: before.finetuneEpochs,
    });
    // The other project is untouched.
    const other = await ctx.db.project.findUniqueOrThrow({ where: { id: ctx.otherProjectId } });
    expect(other.finetuneMinNewMasks).toBe(20);
  });

  it('refuses out-of-range, fractional and empty updates, naming the field, and changes nothing', async () => {
    const admin = ctx.caller('admin');
    const before = await admin.projects.trainingPolicy({ projectId: ctx.projectId });
    const update = (policy: Record<string, unknown>) =>
      admin.projects.updateTrainingPolicy({ projectId: ctx.projectId, policy: policy as never });
    expect(await refusal(update({ finetuneMinNewMasks: 0 }))).toEqual({
      code: 'BAD_REQUEST',
      fields: ['policy.finetuneMinNewMasks'],
    });
    expect(await refusal(update({ finetuneEpochs: 2.5 }))).toEqual({
      code: 'BAD_REQUEST',
      fields: ['policy.finetuneEpochs'],
    });
    expect(await refusal(update({ holdoutFraction: 0.9, leaseSeconds: 10 }))).toEqual({
      code: 'BAD_REQUEST',
      fields: ['policy.holdoutFraction', 'policy.leaseSeconds'],
    });
    expect((await refusal(update({}))).code).toBe('BAD_REQUEST');
    expect(await admin.projects.trainingPolicy({ projectId: ctx.projectId })).toEqual(before);
  });

  it('is for project admins only', async () => {
    for (const who of ['annotator', 'reviewer', 'stranger'] as const) {
      expect(
        (
          await refusal(
            ctx.caller(who).projects.updateTrainingPolicy({
              projectId: ctx.projectId,
              policy: { finetuneEpochs: 9 },
            }),
          )
        ).code,
      ).toBe('FORBIDDEN');
    }
    expect(
      (await refusal(ctx.caller(null).projects.trainingPolicy({ projectId: ctx.projectId }))).code,
    ).toBe('UNAUTHORIZED');
  });
});
