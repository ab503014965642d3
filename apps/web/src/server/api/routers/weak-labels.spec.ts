/**
 * The fast label modes (tag mode, box-only mode) against a real database, on local Postgres and on
 * the embedded one: what they store, and every refusal of contradicting, unknown or foreign input
 * (nothing is written then). Pseudo-masks and weak labels never count as human masks.
 */
import { testDatabaseKinds } from '@loupe/db/testing';
import { encodeMaskBytes } from '@loupe/prompts';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestImage } from '../../services/images/ingest-image';
import {
  createWebTestContext,
  TEST_LIMITS,
  testPng,
  type WebTestContext,
} from '../../testing/web-test-context';

const W = 64;
const H = 48;
const kinds = await testDatabaseKinds();

function maskB64(x0: number, y0: number, x1: number, y1: number): string {
  const data = new Uint8Array(W * H);
  for (let y = y0; y < y1; y++) data.fill(1, y * W + x0, y * W + x1);
  return Buffer.from(encodeMaskBytes({ width: W, height: H, data })).toString('base64');
}

async function refusal(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TRPCError) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected the call to be refused');
}

describe.each(kinds)('weak labels (%s)', (kind) => {
  let ctx: WebTestContext;
  beforeAll(async () => {
    ctx = await createWebTestContext({ images: 8, kind });
    await ctx.caller('admin').projects.updateTags({
      projectId: ctx.projectId,
      tags: ['Drusen', 'poor quality'],
    });
  });
  afterAll(async () => {
    await ctx?.close();
  });

  const labelsOf = (taskId: string) =>
    ctx.db.weakLabel.findMany({
      where: { taskId },
      select: { kind: true, tag: true, supersededAt: true, boxX0: true, pseudoMaskRle: true },
      orderBy: { createdAt: 'asc' },
    });
  const statusOf = async (taskId: string) =>
    (await ctx.db.task.findUniqueOrThrow({ where: { id: taskId }, select: { status: true } }))
      .status;

  it('admins define tags (normalised); built-in, repeated or odd tags are refused', async () => {
    const project = await ctx.caller('annotator').projects.get({ projectId: ctx.projectId });
    expect(project.tagVocabulary).toEqual(['drusen', 'poor quality']);
    for (const tags of [['absent'], ['x', 'X'], ['<b>']]) {
      const r = await refusal(
        ctx.caller('admin').projects.updateTags({ projectId: ctx.projectId, tags }),
      );
      expect(r.code).toBe('BAD_REQUEST');
      expect(r.message).toMatch(/^tags/);
    }
    const after = await ctx.caller('annotator').projects.get({ projectId: ctx.projectId });
    expect(after.tagVocabulary).toEqual(['drusen', 'poor quality']);
  });

  it('tag mode: preloads the next task, stores the tags, takes the image out of the queue', async () => {
    const annotator = ctx.caller('annotator');
    const current = (await annotator.queue.next({ projectId: ctx.projectId }))!;
    const preloaded = (await annotator.queue.next({
      projectId: ctx.projectId,
      excludeTaskId: current.id,
    }))!;
    expect(preloaded.id).not.toBe(current.id);
    await annotator.events.record({
      projectId: ctx.projectId,
      taskId: current.id,
      events: [
        {
          type: 'TAG',
          payload: { tags: ['present', 'drusen'], seconds: 0.8 },
          clientTime: new Date(),
        },
      ],
    });
    const result = await annotator.weakLabels.applyTags({
      projectId: ctx.projectId,
      taskId: current.id,
      tags: ['present', 'Drusen'],
    });
    expect(result).toMatchObject({ status: 'WEAK_LABELED', tags: ['present', 'drusen'] });
    expect(await statusOf(current.id)).toBe('WEAK_LABELED');
    expect((await labelsOf(current.id)).map((l) => [l.kind, l.tag, l.supersededAt])).toEqual([
      ['IMAGE_TAG', 'present', null],
      ['IMAGE_TAG', 'drusen', null],
    ]);
    // The queue serves the preloaded task next (own live lease), never the tagged one.
    const next = (await annotator.queue.next({ projectId: ctx.projectId }))!;
    expect(next.id).toBe(preloaded.id);
    const dash = await ctx.caller('admin').dashboard.get({ projectId: ctx.projectId });
    expect(dash.queue.weaklyLabeled).toBe(1);
    expect(dash.queue.byStatus.WEAK_LABELED).toBe(1);
    expect(dash.labelMix).toMatchObject({ taggedImages: 1, humanMasks: 0 });
    expect(dash.labelMix.tags).toEqual(
      expect.arrayContaining([
        { tag: 'present', images: 1 },
        { tag: 'drusen', images: 1 },
      ]),
    );
    expect(dash.labelMix.medianSecondsPerTaggedImage).toBeCloseTo(0.8);
  });

  it('refuses unknown tags, present with absent, and TAG events naming unknown tags; nothing is written', async () => {
    const annotator = ctx.caller('annotator');
    const task = (await annotator.queue.next({ projectId: ctx.projectId }))!;
    const unknown = await refusal(
      annotator.weakLabels.applyTags({
        projectId: ctx.projectId,
        taskId: task.id,
        tags: ['present', 'tumour'],
      }),
    );
    expect(unknown.code).toBe('BAD_REQUEST');
    expect(unknown.message).toMatch(
      /'tumour' is not a tag of this project.*present, absent, drusen, poor quality/,
    );
    const both = await refusal(
      annotator.weakLabels.applyTags({
        projectId: ctx.projectId,
        taskId: task.id,
        tags: ['present', 'absent'],
      }),
    );
    expect(both.message).toMatch(/contradict/);
    const event = await refusal(
      annotator.events.record({
        projectId: ctx.projectId,
        taskId: task.id,
        events: [{ type: 'TAG', payload: { tags: ['tumour'] }, clientTime: new Date() }],
      }),
    );
    expect(event.message).toMatch(/events\.0\.payload\.tags: tumour is not a tag/);
    expect(await labelsOf(task.id)).toEqual([]);
    expect(await statusOf(task.id)).toBe('IN_PROGRESS');
  });

  it("refuses 'absent' on an image with a human mask; a mask saved after 'absent' supersedes it", async () => {
    const annotator = ctx.caller('annotator');
    const task = (await annotator.queue.next({ projectId: ctx.projectId }))!;
    await annotator.annotations.save({
      projectId: ctx.projectId,
      taskId: task.id,
      objectId: 'obj1',
      finalRle: maskB64(10, 10, 20, 20),
    });
    const r = await refusal(
      annotator.weakLabels.applyTags({
        projectId: ctx.projectId,
        taskId: task.id,
        tags: ['absent'],
      }),
    );
    expect(r.code).toBe('CONFLICT');
    expect(r.message).toMatch(/1 accepted mask.*cannot be tagged 'absent'/);
    expect(await labelsOf(task.id)).toEqual([]);
    await annotator.tasks.submit({ projectId: ctx.projectId, taskId: task.id });

    // The other way round: tagged 'absent', reopened by link, a mask saved: the mask wins.
    const tagged = (await annotator.queue.next({ projectId: ctx.projectId }))!;
    await annotator.weakLabels.applyTags({
      projectId: ctx.projectId,
      taskId: tagged.id,
      tags: ['absent'],
    });
    await annotator.queue.open({ projectId: ctx.projectId, taskId: tagged.id });
    await annotator.annotations.save({
      projectId: ctx.projectId,
      taskId: tagged.id,
      objectId: 'obj1',
      finalRle: maskB64(5, 5, 15, 15),
    });
    const [absent] = await labelsOf(tagged.id);
    expect(absent).toMatchObject({ tag: 'absent' });
    expect(absent!.supersededAt).toBeInstanceOf(Date);
    await annotator.tasks.submit({ projectId: ctx.projectId, taskId: tagged.id });
  });

  it('refuses tags and boxes on a task of another project', async () => {
    const foreign = await ingestImage(
      { db: ctx.db, blobs: ctx.stores.blobs },
      {
        projectId: ctx.otherProjectId,
        fileName: 'other.png',
        bytes: await testPng(W, H, 77),
        priority: 1,
      },
      TEST_LIMITS,
    );
    const foreignTask = foreign.images[0]!.taskId;
    await ctx.caller('stranger').queue.next({ projectId: ctx.otherProjectId });
    // Thunks: each call starts only when awaited, so no refusal is left unhandled meanwhile.
    for (const call of [
      () =>
        ctx.caller('annotator').weakLabels.applyTags({
          projectId: ctx.projectId,
          taskId: foreignTask,
          tags: ['present'],
        }),
      () =>
        ctx.caller('annotator').weakLabels.saveBoxes({
          projectId: ctx.projectId,
          taskId: foreignTask,
          boxes: [{ x0: 1, y0: 1, x1: 9, y1: 9 }],
        }),
      () =>
        ctx.caller('stranger').weakLabels.applyTags({
          projectId: ctx.otherProjectId,
          taskId: ctx.taskIds[7]!,
          tags: ['present'],
        }),
    ]) {
      const r = await refusal(call());
      expect(r.code).toBe('NOT_FOUND');
    }
    expect(await ctx.db.weakLabel.count({ where: { projectId: ctx.otherProjectId } })).toBe(0);
    expect(await statusOf(foreignTask)).toBe('IN_PROGRESS');
  });

  it('box-only mode: stores boxes as weak labels, refuses boxes outside the image or on a human-masked image', async () => {
    const annotator = ctx.caller('annotator');
    const task = (await annotator.queue.next({ projectId: ctx.projectId }))!;
    const outside = await refusal(
      annotator.weakLabels.saveBoxes({
        projectId: ctx.projectId,
        taskId: task.id,
        boxes: [
          { x0: 1, y0: 1, x1: 9, y1: 9 },
          { x0: 40, y0: 10, x1: W + 30, y1: 20 },
        ],
      }),
    );
    expect(outside.code).toBe('BAD_REQUEST');
    expect(outside.message).toMatch(/boxes\.1\.x1/);
    expect(await labelsOf(task.id)).toEqual([]);
    const saved = await annotator.weakLabels.saveBoxes({
      projectId: ctx.projectId,
      taskId: task.id,
      boxes: [
        { x0: 1, y0: 1, x1: 9, y1: 9 },
        { x0: 30, y0: 10, x1: 50, y1: 30 },
      ],
    });
    expect(saved).toMatchObject({ status: 'WEAK_LABELED', boxes: 2 });
    const labels = await labelsOf(task.id);
    expect(labels.map((l) => [l.kind, l.boxX0, l.pseudoMaskRle])).toEqual([
      ['BOX', 1, null],
      ['BOX', 30, null],
    ]);
    const annotations = await ctx.db.annotation.count({ where: { taskId: task.id } });
    expect(annotations).toBe(0);
    const dash = await ctx.caller('admin').dashboard.get({ projectId: ctx.projectId });
    expect(dash.labelMix).toMatchObject({ boxes: 2, boxImages: 1 });
    // Human masks count only Annotation rows: two saved above, none from boxes or tags.
    expect(dash.labelMix.humanMasks).toBe(2);
    expect(dash.efficiency.total.masks).toBe(2);

    const masked = (await annotator.queue.next({ projectId: ctx.projectId }))!;
    await annotator.annotations.save({
      projectId: ctx.projectId,
      taskId: masked.id,
      objectId: 'obj1',
      finalRle: maskB64(10, 10, 20, 20),
    });
    const conflict = await refusal(
      annotator.weakLabels.saveBoxes({
        projectId: ctx.projectId,
        taskId: masked.id,
        boxes: [{ x0: 1, y0: 1, x1: 9, y1: 9 }],
      }),
    );
    expect(conflict.code).toBe('CONFLICT');
    expect(conflict.message).toMatch(/already has 1 accepted mask/);
    expect(await labelsOf(masked.id)).toEqual([]);
    await annotator.tasks.submit({ projectId: ctx.projectId, taskId: masked.id });
  });

  it('reports a pseudo-mask against the human mask saved on its image later (never as one)', async () => {
    const annotator = ctx.caller('annotator');
    const task = (await annotator.queue.next({ projectId: ctx.projectId }))!;
    await annotator.weakLabels.saveBoxes({
      projectId: ctx.projectId,
      taskId: task.id,
      boxes: [{ x0: 1, y0: 1, x1: 9, y1: 11 }],
    });
    // What the trainer stores (apps/trainer weak-labels): an 8x8 pseudo-mask with its provenance.
    await ctx.db.weakLabel.updateMany({
      where: { taskId: task.id },
      data: {
        pseudoMaskRle: new Uint8Array(Buffer.from(maskB64(1, 1, 9, 9), 'base64')),
        pseudoConfidence: 0.9,
        pseudoSource: 'BOX',
        pseudoMadeAt: new Date(),
      },
    });
    const before = await ctx.caller('admin').dashboard.get({ projectId: ctx.projectId });
    expect(before.labelMix.pseudoMaskDice).toEqual([]);
    expect(before.labelMix.pseudoMasks).toEqual([{ source: 'BOX', count: 1, meanConfidence: 0.9 }]);
    await annotator.queue.open({ projectId: ctx.projectId, taskId: task.id });
    await annotator.annotations.save({
      projectId: ctx.projectId,
      taskId: task.id,
      objectId: 'obj1',
      finalRle: maskB64(1, 1, 9, 11), // 80 px, of which the 64-px pseudo-mask covers 64
    });
    const after = await ctx.caller('admin').dashboard.get({ projectId: ctx.projectId });
    expect(after.labelMix.pseudoMaskDice).toHaveLength(1);
    expect(after.labelMix.pseudoMaskDice[0]!.source).toBe('BOX');
    expect(after.labelMix.pseudoMaskDice[0]!.meanDice).toBeCloseTo((2 * 64) / (64 + 80), 6);
    expect(after.labelMix.humanMasks).toBe(before.labelMix.humanMasks + 1);
    await annotator.tasks.submit({ projectId: ctx.projectId, taskId: task.id });
  });

  it("reports a self-training pseudo-mask (a model's, no person's) against the human mask saved later", async () => {
    const annotator = ctx.caller('annotator');
    const task = (await annotator.queue.next({ projectId: ctx.projectId }))!;
    const { imageId } = await ctx.db.task.findUniqueOrThrow({
      where: { id: task.id },
      select: { imageId: true },
    });
    const before = await ctx.caller('admin').dashboard.get({ projectId: ctx.projectId });
    // What the trainer stores (apps/trainer load-self-training-samples): no person, a model's mask.
    await ctx.db.weakLabel.create({
      data: {
        projectId: ctx.projectId,
        imageId,
        kind: 'SELF_TRAINING',
        pseudoMaskRle: new Uint8Array(Buffer.from(maskB64(2, 2, 10, 10), 'base64')),
        pseudoConfidence: 0.95,
        pseudoSource: 'SELF_TRAINING',
        pseudoMadeAt: new Date(),
      },
    });
    const stored = await ctx.caller('admin').dashboard.get({ projectId: ctx.projectId });
    expect(stored.labelMix.pseudoMasks).toContainEqual({
      source: 'SELF_TRAINING',
      count: 1,
      meanConfidence: 0.95,
    });
    // Not a person's weak label: boxes and tags are unchanged, and it is no human mask.
    expect(stored.labelMix.boxes).toBe(before.labelMix.boxes);
    expect(stored.labelMix.taggedImages).toBe(before.labelMix.taggedImages);
    expect(stored.labelMix.humanMasks).toBe(before.labelMix.humanMasks);
    await annotator.queue.open({ projectId: ctx.projectId, taskId: task.id });
    await annotator.annotations.save({
      projectId: ctx.projectId,
      taskId: task.id,
      objectId: 'obj1',
      finalRle: maskB64(2, 2, 10, 10),
    });
    const after = await ctx.caller('admin').dashboard.get({ projectId: ctx.projectId });
    const self = after.labelMix.pseudoMaskDice.find((d) => d.source === 'SELF_TRAINING');
    expect(self).toEqual({ source: 'SELF_TRAINING', compared: 1, meanDice: 1 });
    expect(after.labelMix.humanMasks).toBe(before.labelMix.humanMasks + 1);
    await annotator.tasks.submit({ projectId: ctx.projectId, taskId: task.id });
  });

  it('refuses weak labels without a live lease', async () => {
    const r = await refusal(
      ctx.caller('annotator2').weakLabels.applyTags({
        projectId: ctx.projectId,
        taskId: ctx.taskIds[7]!,
        tags: ['present'],
      }),
    );
    expect(['CONFLICT', 'PRECONDITION_FAILED']).toContain(r.code);
    expect(await labelsOf(ctx.taskIds[7]!)).toEqual([]);
  });
});
