/**
 * The annotate API against a real database through the tRPC caller: leases, saves, refusals of
 * forged or stale input, and that nothing another annotator saved is ever overwritten.
 */
import { encodeMaskBytes, type Mask } from '@loupe/prompts';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebTestContext, type WebTestContext } from '../../testing/web-test-context';

const W = 64;
const H = 48;

function mask(x0: number, y0: number, x1: number, y1: number, width = W, height = H): Mask {
  const data = new Uint8Array(width * height);
  for (let y = y0; y < y1; y++) data.fill(1, y * width + x0, y * width + x1);
  return { width, height, data };
}
const b64 = (m: Mask) => Buffer.from(encodeMaskBytes(m)).toString('base64');

async function refusal(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TRPCError) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected the call to be refused');
}

describe('annotate flow', () => {
  let ctx: WebTestContext;
  let activeModelId: string;
  beforeAll(async () => {
    ctx = await createWebTestContext({ images: 3 });
    activeModelId = (await ctx.caller('annotator').models.active({ projectId: ctx.projectId }))!
      .modelVersionId;
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it('two annotators never get the same task, and next serves the highest priority first', async () => {
    const [a, b] = await Promise.all([
      ctx.caller('annotator').queue.next({ projectId: ctx.projectId }),
      ctx.caller('annotator2').queue.next({ projectId: ctx.projectId }),
    ]);
    expect(a && b).toBeTruthy();
    expect(a!.id).not.toBe(b!.id);
    // priorities were 10, 9, 8: the two leased tasks are the two highest
    expect(new Set([a!.id, b!.id])).toEqual(new Set([ctx.taskIds[0], ctx.taskIds[1]]));
    // asking again resumes your own lease rather than taking another task
    const again = await ctx.caller('annotator').queue.next({ projectId: ctx.projectId });
    expect(again!.id).toBe(a!.id);
    // opening someone else's leased task is refused
    const r = await refusal(
      ctx.caller('annotator').queue.open({ projectId: ctx.projectId, taskId: b!.id }),
    );
    expect(r.code).toBe('CONFLICT');
    expect(r.message).toMatch(/someone else/);
  });

  it('saves an accepted object with server-computed stats and records events with the model version', async () => {
    const task = (await ctx.caller('annotator').queue.next({ projectId: ctx.projectId }))!;
    const proposal = mask(10, 10, 30, 30);
    const final = mask(10, 10, 30, 32); // the annotator painted two more rows
    await ctx.caller('annotator').events.record({
      projectId: ctx.projectId,
      taskId: task.id,
      events: [
        {
          type: 'BOX',
          objectId: 'obj-a',
          payload: { box: { x0: 9, y0: 9, x1: 31, y1: 31 } },
          modelVersionId: activeModelId,
          clientTime: new Date(),
        },
        {
          type: 'PROPOSAL_SHOWN',
          objectId: 'obj-a',
          payload: { encoderMs: 30, decoderMs: 8 },
          latencyMs: 61.5,
          modelVersionId: activeModelId,
          clientTime: new Date(),
        },
      ],
    });
    const saved = await ctx.caller('annotator').annotations.save({
      projectId: ctx.projectId,
      taskId: task.id,
      objectId: 'obj-a',
      expectedRevision: task.revision,
      finalRle: b64(final),
      proposalRle: b64(proposal),
      modelVersionId: activeModelId,
      clicks: 1,
      brushStrokes: 1,
      activeSeconds: 4.5,
    });
    expect(saved.area).toBe(20 * 22);
    expect(saved.editPixels).toBe(40);
    const row = await ctx.db.annotation.findUniqueOrThrow({
      where: { taskId_objectId: { taskId: task.id, objectId: 'obj-a' } },
      select: {
        area: true,
        bboxX0: true,
        bboxY0: true,
        bboxX1: true,
        bboxY1: true,
        proposalIou: true,
        modelVersionId: true,
        finalRle: true,
        label: true,
      },
    });
    expect(row).toMatchObject({
      area: 440,
      bboxX0: 10,
      bboxY0: 10,
      bboxX1: 30,
      bboxY1: 32,
      modelVersionId: activeModelId,
      label: 'leakage',
    });
    expect(row.proposalIou).toBeCloseTo(400 / 440, 5);
    expect(Buffer.from(row.finalRle).equals(Buffer.from(encodeMaskBytes(final)))).toBe(true);
    const shown = await ctx.db.interactionEvent.findFirstOrThrow({
      where: { taskId: task.id, type: 'PROPOSAL_SHOWN' },
      select: { latencyMs: true, modelVersionId: true },
    });
    expect(shown).toEqual({ latencyMs: 61.5, modelVersionId: activeModelId });

    const submitted = await ctx.caller('annotator').tasks.submit({
      projectId: ctx.projectId,
      taskId: task.id,
      expectedRevision: saved.revision,
    });
    expect(submitted.status).toBe('SUBMITTED');
  });

  it('refuses forged masks with a message naming the problem, and stores nothing', async () => {
    const task = (await ctx.caller('annotator2').queue.next({ projectId: ctx.projectId }))!;
    const base = { projectId: ctx.projectId, taskId: task.id, objectId: 'forged' };
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ['wrong size', { finalRle: b64(mask(0, 0, 5, 5, 32, 32)) }, /32x32 but the image is 64x48/],
      [
        'garbage bytes',
        { finalRle: Buffer.from('hello world, not a mask').toString('base64') },
        /finalRle: .*magic/,
      ],
      [
        'runs past the end',
        { finalRle: Buffer.from([0x4c, 1, 64, 48, 2, 0, 0xff, 0xff, 0x03]).toString('base64') },
        /finalRle/,
      ],
      ['empty mask', { finalRle: b64(mask(0, 0, 0, 0)) }, /empty/],
      ['not base64', { finalRle: '!!!!' }, /base64/],
      [
        'proposal of another size',
        {
          finalRle: b64(mask(1, 1, 4, 4)),
          proposalRle: b64(mask(0, 0, 2, 2, 8, 8)),
          modelVersionId: activeModelId,
        },
        /proposalRle/,
      ],
      [
        'proposal without a model',
        { finalRle: b64(mask(1, 1, 4, 4)), proposalRle: b64(mask(1, 1, 4, 4)) },
        /modelVersionId/,
      ],
      [
        'object id with odd characters',
        { objectId: '../../etc', finalRle: b64(mask(1, 1, 4, 4)) },
        /objectId/,
      ],
    ];
    for (const [name, patch, message] of cases) {
      const r = await refusal(
        ctx.caller('annotator2').annotations.save({ ...base, ...patch } as never),
      );
      expect(r.code, name).toBe('BAD_REQUEST');
      expect(r.message, name).toMatch(message);
    }
    expect(await ctx.db.annotation.count({ where: { taskId: task.id } })).toBe(0);
  });

  it('refuses out-of-range prompts in events', async () => {
    const task = (await ctx.caller('annotator2').queue.next({ projectId: ctx.projectId }))!;
    const send = (
      payload: Record<string, unknown>,
      type: 'BOX' | 'POSITIVE_POINT' | 'BRUSH_STROKE',
    ) =>
      ctx.caller('annotator2').events.record({
        projectId: ctx.projectId,
        taskId: task.id,
        events: [{ type, payload, clientTime: new Date() }],
      });
    expect(
      (await refusal(send({ box: { x0: 10, y0: 10, x1: 640, y1: 20 } }, 'BOX'))).message,
    ).toMatch(/events\.0\.payload\.box\.x1.*outside the image/);
    expect(
      (await refusal(send({ box: { x0: 30, y0: 10, x1: 20, y1: 20 } }, 'BOX'))).message,
    ).toMatch(/inverted/);
    expect((await refusal(send({ x: -3, y: 4 }, 'POSITIVE_POINT'))).message).toMatch(
      /events\.0\.payload\.x/,
    );
    expect(
      (await refusal(send({ points: [{ x: 1, y: 1 }], radius: -2 }, 'BRUSH_STROKE'))).code,
    ).toBe('BAD_REQUEST');
    const r = await refusal(
      ctx.caller('annotator2').events.record({
        projectId: ctx.projectId,
        taskId: task.id,
        events: [
          {
            type: 'PROPOSAL_SHOWN',
            payload: {},
            modelVersionId: 'not-a-model',
            clientTime: new Date(),
          },
        ],
      }),
    );
    expect(r.code).toBe('PRECONDITION_FAILED');
    expect(await ctx.db.interactionEvent.count({ where: { taskId: task.id } })).toBe(0);
  });

  it("refuses saves on an expired lease or someone else's lease, and never overwrites their work", async () => {
    const task = (await ctx.caller('annotator2').queue.next({ projectId: ctx.projectId }))!;
    const theirs = mask(2, 2, 12, 12);
    await ctx.caller('annotator2').annotations.save({
      projectId: ctx.projectId,
      taskId: task.id,
      objectId: 'shared',
      finalRle: b64(theirs),
    });
    // annotator tries to write the same object on a task annotator2 holds
    const stolen = await refusal(
      ctx.caller('annotator').annotations.save({
        projectId: ctx.projectId,
        taskId: task.id,
        objectId: 'shared',
        finalRle: b64(mask(0, 0, 64, 48)),
      }),
    );
    expect(stolen.code).toBe('CONFLICT');
    // a stale revision is refused too
    const stale = await refusal(
      ctx.caller('annotator2').annotations.save({
        projectId: ctx.projectId,
        taskId: task.id,
        objectId: 'shared',
        expectedRevision: 0,
        finalRle: b64(mask(0, 0, 3, 3)),
      }),
    );
    expect(stale.code).toBe('CONFLICT');
    expect(stale.message).toMatch(/revision/);
    // the lease runs out
    await ctx.db.task.update({
      where: { id: task.id },
      data: { leaseExpiresAt: new Date(Date.now() - 1000) },
    });
    const expired = await refusal(
      ctx.caller('annotator2').annotations.save({
        projectId: ctx.projectId,
        taskId: task.id,
        objectId: 'shared',
        finalRle: b64(mask(0, 0, 3, 3)),
      }),
    );
    expect(expired.code).toBe('CONFLICT');
    expect(expired.message).toMatch(/expired/);
    const renew = await refusal(
      ctx.caller('annotator2').queue.renew({ projectId: ctx.projectId, taskId: task.id }),
    );
    expect(renew.message).toMatch(/expired/);
    const row = await ctx.db.annotation.findUniqueOrThrow({
      where: { taskId_objectId: { taskId: task.id, objectId: 'shared' } },
      select: { finalRle: true },
    });
    expect(Buffer.from(row.finalRle).equals(Buffer.from(encodeMaskBytes(theirs)))).toBe(true);
  });

  it('refuses a stale or foreign model version', async () => {
    const task = (await ctx.caller('annotator').queue.next({ projectId: ctx.projectId }))!;
    const otherModel = (
      await ctx.db.project.findUniqueOrThrow({
        where: { id: ctx.otherProjectId },
        select: { activeModelVersionId: true },
      })
    ).activeModelVersionId!;
    const save = (modelVersionId: string) =>
      ctx.caller('annotator').annotations.save({
        projectId: ctx.projectId,
        taskId: task.id,
        objectId: 'm',
        finalRle: b64(mask(1, 1, 5, 5)),
        proposalRle: b64(mask(1, 1, 5, 5)),
        modelVersionId,
      });
    const foreign = await refusal(save(otherModel));
    expect(foreign.code).toBe('PRECONDITION_FAILED');
    expect(foreign.message).toMatch(/not a model of this project/);
    // retired an hour ago: too old to be a proposal made just before a swap
    await ctx.db.modelVersion.update({
      where: { id: activeModelId },
      data: { status: 'RETIRED', retiredAt: new Date(Date.now() - 3600_000) },
    });
    try {
      const stale = await refusal(save(activeModelId));
      expect(stale.code).toBe('PRECONDITION_FAILED');
      expect(stale.message).toMatch(/no longer served/);
    } finally {
      await ctx.db.modelVersion.update({
        where: { id: activeModelId },
        data: { status: 'ACTIVE', retiredAt: null },
      });
    }
    expect(await ctx.db.annotation.count({ where: { taskId: task.id, objectId: 'm' } })).toBe(0);
  });

  it('review: approve or send back; sent-back tasks return to the queue', async () => {
    const queue = await ctx.caller('reviewer').review.queue({ projectId: ctx.projectId });
    expect(queue.pending.length).toBe(1);
    const taskId = queue.pending[0]!.id;
    const noComment = await refusal(
      ctx
        .caller('reviewer')
        .review.decide({ projectId: ctx.projectId, taskId, decision: 'SENT_BACK', comment: ' ' }),
    );
    expect(noComment.code).toBe('BAD_REQUEST');
    await ctx.caller('reviewer').review.decide({
      projectId: ctx.projectId,
      taskId,
      decision: 'SENT_BACK',
      comment: 'Include the faint rim',
    });
    const twice = await refusal(
      ctx.caller('admin').review.decide({ projectId: ctx.projectId, taskId, decision: 'APPROVED' }),
    );
    expect(twice.code).toBe('CONFLICT');
    // release everything else so the sent-back task is what the queue serves
    await ctx.db.task.updateMany({
      where: { projectId: ctx.projectId, id: { not: taskId } },
      data: { status: 'APPROVED', leaseHolderId: null, leaseExpiresAt: null },
    });
    const next = await ctx.caller('annotator').queue.next({ projectId: ctx.projectId });
    expect(next?.id).toBe(taskId);
    expect(next?.reviews[0]).toMatchObject({
      decision: 'SENT_BACK',
      comment: 'Include the faint rim',
    });
    expect(next?.annotations.length).toBe(1);
  });
});
