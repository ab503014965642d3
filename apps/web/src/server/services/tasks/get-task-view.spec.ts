/**
 * getTaskView reads a task in one statement; it must give exactly what the nested Prisma include
 * it replaced gave (kept here as the reference), on Postgres and on the embedded database: current
 * masks oldest first with their RLE bytes as base64 (long enough for encode()'s line breaks),
 * the five newest reviews, the volume, the default window; other projects' tasks are not found.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '@loupe/db';
import { createTestDatabaseOn, testDatabaseKinds, type TestDatabase } from '@loupe/db/testing';
import { sampleWindow } from '../images/sample-window';
import { getTaskView } from './get-task-view';

const kinds = await testDatabaseKinds();

/** The nested include getTaskView replaced, mapped as it was. */
async function referenceView(db: Db, projectId: string, taskId: string) {
  const task = await db.task.findFirstOrThrow({
    where: { id: taskId, projectId },
    select: {
      id: true,
      status: true,
      revision: true,
      priority: true,
      leaseHolderId: true,
      leaseExpiresAt: true,
      flagReason: true,
      image: {
        select: {
          id: true,
          fileName: true,
          mimeType: true,
          width: true,
          height: true,
          bitDepth: true,
          channels: true,
          sliceIndex: true,
          valueSlope: true,
          valueIntercept: true,
          valueUnit: true,
          windowCenter: true,
          windowWidth: true,
          volume: { select: { id: true, name: true, depth: true } },
        },
      },
      annotations: {
        where: { supersededAt: null },
        orderBy: { createdAt: 'asc' },
        select: {
          id: true,
          objectId: true,
          label: true,
          width: true,
          height: true,
          finalRle: true,
          modelVersionId: true,
          area: true,
          createdBy: { select: { id: true, name: true } },
          createdAt: true,
        },
      },
      reviews: {
        orderBy: { createdAt: 'desc' },
        take: 5,
        select: {
          id: true,
          decision: true,
          comment: true,
          createdAt: true,
          reviewer: { select: { name: true } },
        },
      },
    },
  });
  return {
    ...task,
    image: { ...task.image, defaultWindow: sampleWindow(task.image) },
    annotations: task.annotations.map(({ finalRle, ...a }) => ({
      ...a,
      finalRle: Buffer.from(finalRle).toString('base64'),
    })),
  };
}

describe.each(kinds)('getTaskView on %s', (kind) => {
  let test: TestDatabase;
  let projectId: string;
  let taskId: string;
  let volumeTaskId: string;
  let rle: Uint8Array<ArrayBuffer>;

  beforeAll(async () => {
    test = await createTestDatabaseOn(kind, { poolSize: 2 });
    const { db } = test;
    const [annotator, reviewer] = await Promise.all([
      db.user.create({ data: { email: 'a@view.test', name: 'Ann', passwordHash: 'x' } }),
      db.user.create({ data: { email: 'r@view.test', name: 'Rev', passwordHash: 'x' } }),
    ]);
    const project = await db.project.create({ data: { slug: 'view', name: 'View' } });
    projectId = project.id;
    const image = (n: number, extra: object = {}) =>
      db.image.create({
        data: {
          projectId,
          fileName: `i${n}.png`,
          mimeType: 'image/png',
          width: 40,
          height: 30,
          channels: 1,
          bitDepth: 16,
          storageKey: `s${n}`,
          pixelsKey: `p${n}`,
          thumbnailKey: `t${n}`,
          sizeBytes: 10,
          sha256: `h${n}`,
          ...extra,
        },
      });
    const plain = await image(1, {
      valueSlope: 0.5,
      valueIntercept: -1024,
      valueUnit: 'HU',
      windowCenter: 40,
      windowWidth: 400.25,
    });
    const volume = await db.volume.create({
      data: {
        projectId,
        name: 'vol',
        storageKey: 'v',
        sha256: 'v',
        sizeBytes: 1,
        width: 40,
        height: 30,
        depth: 7,
      },
    });
    const slice = await image(2, { volumeId: volume.id, sliceIndex: 3 });
    const task = await db.task.create({
      data: {
        projectId,
        imageId: plain.id,
        priority: 0.125,
        status: 'IN_PROGRESS',
        leaseHolderId: annotator.id,
        leaseExpiresAt: new Date('2026-03-04T05:06:07.891Z'),
      },
    });
    taskId = task.id;
    volumeTaskId = (await db.task.create({ data: { projectId, imageId: slice.id } })).id;
    // 200 bytes: encode() would break its base64 into lines.
    rle = Uint8Array.from({ length: 200 }, (_, i) => (i * 37) % 256);
    const annotation = (objectId: string, createdAt: string, extra: object = {}) =>
      db.annotation.create({
        data: {
          projectId,
          taskId,
          imageId: plain.id,
          objectId,
          createdById: annotator.id,
          width: 40,
          height: 30,
          finalRle: rle,
          area: 12,
          bboxX0: 1,
          bboxY0: 2,
          bboxX1: 3,
          bboxY1: 4,
          createdAt: new Date(createdAt),
          ...extra,
        },
      });
    await annotation('later', '2026-02-01T00:00:02.500Z');
    await annotation('first', '2026-02-01T00:00:01.001Z', { label: 'vessel' });
    await annotation('gone', '2026-02-01T00:00:00.000Z', { supersededAt: new Date() });
    for (let i = 0; i < 7; i++)
      await db.review.create({
        data: {
          taskId,
          reviewerId: reviewer.id,
          decision: i % 2 ? 'APPROVED' : 'SENT_BACK',
          comment: `note ${i}`,
          createdAt: new Date(Date.UTC(2026, 1, 2, 0, 0, i)),
        },
      });
  });
  afterAll(async () => {
    await test?.close();
  });

  it('equals the nested include it replaced', async () => {
    for (const id of [taskId, volumeTaskId]) {
      const view = await getTaskView(test.db, projectId, id);
      expect(view).toEqual(await referenceView(test.db, projectId, id));
    }
    const view = await getTaskView(test.db, projectId, taskId);
    expect(view.annotations.map((a) => a.objectId)).toEqual(['first', 'later']);
    expect(Buffer.from(view.annotations[0]?.finalRle ?? '', 'base64')).toEqual(Buffer.from(rle));
    expect(view.annotations[0]?.createdAt).toEqual(new Date('2026-02-01T00:00:01.001Z'));
    expect(view.reviews.map((r) => r.comment)).toEqual([
      'note 6',
      'note 5',
      'note 4',
      'note 3',
      'note 2',
    ]);
    expect(view.image.defaultWindow).toEqual({ center: 2128, width: 800.5 });
    expect((await getTaskView(test.db, projectId, volumeTaskId)).image.volume?.depth).toBe(7);
  });

  it('does not find a task through another project', async () => {
    const other = await test.db.project.create({ data: { slug: 'other', name: 'Other' } });
    await expect(getTaskView(test.db, other.id, taskId)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });
});
