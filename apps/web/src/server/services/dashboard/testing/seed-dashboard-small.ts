/**
 * A small dashboard seed whose aggregates are worked out by hand in dashboard-services.spec.ts.
 * Times are seconds after T0. Sessions (user, task):
 *
 * S1 (ann, t1), mask m1 (v1, edited, Dice 0.8, IoU 0.6), events inserted out of order:
 *   0 OPEN, 5 BOX, 6 SHOWN, 16 POS, 17 SHOWN, 20 IDLE_START, 320 IDLE_END, 330 BRUSH,
 *   430 ERASER, 435 ACCEPT, 436 CLOSE, 900 OPEN, 902 CLOSE
 *   active = 5+1+10+1+3 + 0 (idle) + 10 + 60 (100 capped) + 5 + 1 + 0 (closed) + 2 = 98 s;
 *   prompts 2, corrections 2.
 * S2 (bob, t2) at 1000, mask m2 (v1, accepted without edit, Dice 1, IoU 1):
 *   0 OPEN, 4 BOX, 5 SHOWN, 9 ACCEPT -> 9 s, prompts 1, corrections 0.
 * S3 (ann, t3) at 2000, masks m3a (v2, no edit, Dice 0.9, IoU 0.82) and m3b (v2, edited,
 *   Dice 0.7, IoU 0.54): 0 OPEN, 2 BOX, 3 SHOWN, 7 ACCEPT, 9 BOX, 10 SHOWN, 12 NEG, 13 SHOWN,
 *   20 ACCEPT -> 20 s, prompts 3, corrections 0, shared by two masks.
 * (bob, t3) at 1900: OPEN, SKIP 30 s later -- no mask, so not counted anywhere.
 * S4 (bob, t4) at 3000, mask m4 by hand (no model, no proposal):
 *   0 OPEN, 10 BRUSH, 50 BRUSH, 55 ACCEPT -> 55 s, prompts 0, corrections 2.
 * m5 on t5 is IMPORTED (excluded from efficiency). Another project has events and a mask of ann.
 */
import type { Db } from '@loupe/db';

export const T0 = new Date('2026-03-02T09:00:00.000Z');
export const at = (seconds: number): Date => new Date(T0.getTime() + seconds * 1000);

export const SMALL = {
  projectId: 'dash-p1',
  otherProjectId: 'dash-p2',
  admin: 'dash-admin',
  ann: 'dash-ann',
  bob: 'dash-bob',
  reviewer: 'dash-reviewer',
  v1: 'dash-v1',
  v2: 'dash-v2',
  v3: 'dash-v3',
} as const;

type EventType =
  | 'IMAGE_OPENED'
  | 'IMAGE_CLOSED'
  | 'IDLE_START'
  | 'IDLE_END'
  | 'BOX'
  | 'POSITIVE_POINT'
  | 'NEGATIVE_POINT'
  | 'BRUSH_STROKE'
  | 'ERASER_STROKE'
  | 'PROPOSAL_SHOWN'
  | 'ACCEPT'
  | 'SKIP';

export async function seedDashboardSmall(db: Db): Promise<void> {
  const { projectId, otherProjectId, admin, ann, bob, reviewer, v1, v2, v3 } = SMALL;
  await db.user.createMany({
    data: [
      { id: admin, email: 'admin@dash.test', name: 'Ada Admin', passwordHash: 'x' },
      { id: ann, email: 'ann@dash.test', name: 'Ann', passwordHash: 'x' },
      { id: bob, email: 'bob@dash.test', name: 'Bob', passwordHash: 'x' },
      { id: reviewer, email: 'rev@dash.test', name: 'Rita Reviewer', passwordHash: 'x' },
    ],
  });
  await db.project.createMany({
    data: [
      { id: projectId, slug: 'dash-p1', name: 'Dashboard test' },
      { id: otherProjectId, slug: 'dash-p2', name: 'Other project' },
    ],
  });
  await db.membership.createMany({
    data: [
      { userId: admin, projectId, role: 'ADMIN' },
      { userId: reviewer, projectId, role: 'REVIEWER' },
      { userId: ann, projectId, role: 'ANNOTATOR' },
      { userId: bob, projectId, role: 'ANNOTATOR' },
      { userId: ann, projectId: otherProjectId, role: 'ANNOTATOR' },
    ],
  });
  await db.modelVersion.createMany({
    data: [
      {
        id: v1,
        projectId,
        version: 1,
        status: 'RETIRED',
        configName: 'tiny',
        config: {},
        valDice: 0.5,
        valNoc90: 6,
        trainLabelCount: 0,
        createdAt: at(-600),
        promotedAt: at(-60),
        retiredAt: at(1500),
        metrics: { dice: 0.5, noc90: 6 },
      },
      {
        id: v2,
        projectId,
        version: 2,
        status: 'ACTIVE',
        configName: 'tiny',
        config: {},
        valDice: 0.7,
        valNoc90: 4,
        trainLabelCount: 2,
        createdAt: at(1400),
        promotedAt: at(1500),
        parentId: v1,
      },
      {
        id: v3,
        projectId,
        version: 3,
        status: 'CANDIDATE',
        configName: 'tiny',
        config: {},
        valDice: 0.68,
        valNoc90: 5,
        trainLabelCount: 3,
        createdAt: at(3500),
        parentId: v2,
        statusReason: 'NoC@90 regressed by 1 click (gate allows 0.5)',
      },
      {
        id: 'dash-other-v1',
        projectId: otherProjectId,
        version: 1,
        status: 'ACTIVE',
        configName: 'tiny',
        config: {},
        trainLabelCount: 99,
        createdAt: at(0),
        promotedAt: at(0),
      },
    ],
  });
  await db.project.update({ where: { id: projectId }, data: { activeModelVersionId: v2 } });

  const future = new Date(Date.now() + 3_600_000);
  const past = new Date(Date.now() - 3_600_000);
  const tasks: {
    n: number;
    status: 'UNLABELED' | 'IN_PROGRESS' | 'SUBMITTED' | 'APPROVED' | 'SKIPPED';
    priority?: number;
    leaseHolderId?: string;
    leaseExpiresAt?: Date;
    project?: string;
  }[] = [
    { n: 1, status: 'APPROVED' },
    { n: 2, status: 'APPROVED' },
    { n: 3, status: 'APPROVED' },
    { n: 4, status: 'SUBMITTED' },
    { n: 5, status: 'SUBMITTED' },
    { n: 6, status: 'UNLABELED', priority: 0.9 },
    { n: 7, status: 'UNLABELED', priority: 0.95, leaseHolderId: ann, leaseExpiresAt: future },
    { n: 8, status: 'UNLABELED', priority: 0.7, leaseHolderId: bob, leaseExpiresAt: past },
    { n: 9, status: 'IN_PROGRESS', priority: 0.99, leaseHolderId: ann, leaseExpiresAt: future },
    { n: 10, status: 'SKIPPED' },
    { n: 11, status: 'UNLABELED', priority: 5, project: otherProjectId },
  ];
  for (const task of tasks) {
    const project = task.project ?? projectId;
    await db.image.create({
      data: {
        id: `dash-img-${task.n}`,
        projectId: project,
        fileName: `scan-${task.n}.png`,
        mimeType: 'image/png',
        width: 64,
        height: 48,
        channels: 1,
        bitDepth: 8,
        storageKey: `s${task.n}`,
        pixelsKey: `p${task.n}`,
        thumbnailKey: `t${task.n}`,
        sizeBytes: 10,
        sha256: `sha-${task.n}`,
      },
    });
    await db.task.create({
      data: {
        id: `dash-t${task.n}`,
        projectId: project,
        imageId: `dash-img-${task.n}`,
        status: task.status,
        priority: task.priority ?? 0,
        leaseHolderId: task.leaseHolderId ?? null,
        leaseExpiresAt: task.leaseExpiresAt ?? null,
      },
    });
  }

  const events: { task: number; user: string; s: number; type: EventType; project?: string }[] = [
    // S1, deliberately not in time order.
    { task: 1, user: ann, s: 430, type: 'ERASER_STROKE' },
    { task: 1, user: ann, s: 0, type: 'IMAGE_OPENED' },
    { task: 1, user: ann, s: 16, type: 'POSITIVE_POINT' },
    { task: 1, user: ann, s: 5, type: 'BOX' },
    { task: 1, user: ann, s: 6, type: 'PROPOSAL_SHOWN' },
    { task: 1, user: ann, s: 17, type: 'PROPOSAL_SHOWN' },
    { task: 1, user: ann, s: 320, type: 'IDLE_END' },
    { task: 1, user: ann, s: 20, type: 'IDLE_START' },
    { task: 1, user: ann, s: 330, type: 'BRUSH_STROKE' },
    { task: 1, user: ann, s: 435, type: 'ACCEPT' },
    { task: 1, user: ann, s: 436, type: 'IMAGE_CLOSED' },
    { task: 1, user: ann, s: 900, type: 'IMAGE_OPENED' },
    { task: 1, user: ann, s: 902, type: 'IMAGE_CLOSED' },
    // S2
    { task: 2, user: bob, s: 1000, type: 'IMAGE_OPENED' },
    { task: 2, user: bob, s: 1004, type: 'BOX' },
    { task: 2, user: bob, s: 1005, type: 'PROPOSAL_SHOWN' },
    { task: 2, user: bob, s: 1009, type: 'ACCEPT' },
    // bob looks at t3 and skips it: no mask.
    { task: 3, user: bob, s: 1900, type: 'IMAGE_OPENED' },
    { task: 3, user: bob, s: 1930, type: 'SKIP' },
    // S3: two objects.
    { task: 3, user: ann, s: 2000, type: 'IMAGE_OPENED' },
    { task: 3, user: ann, s: 2002, type: 'BOX' },
    { task: 3, user: ann, s: 2003, type: 'PROPOSAL_SHOWN' },
    { task: 3, user: ann, s: 2007, type: 'ACCEPT' },
    { task: 3, user: ann, s: 2009, type: 'BOX' },
    { task: 3, user: ann, s: 2010, type: 'PROPOSAL_SHOWN' },
    { task: 3, user: ann, s: 2012, type: 'NEGATIVE_POINT' },
    { task: 3, user: ann, s: 2013, type: 'PROPOSAL_SHOWN' },
    { task: 3, user: ann, s: 2020, type: 'ACCEPT' },
    // S4: drawn by hand.
    { task: 4, user: bob, s: 3000, type: 'IMAGE_OPENED' },
    { task: 4, user: bob, s: 3010, type: 'BRUSH_STROKE' },
    { task: 4, user: bob, s: 3050, type: 'BRUSH_STROKE' },
    { task: 4, user: bob, s: 3055, type: 'ACCEPT' },
    // Another project: must not leak in.
    { task: 11, user: ann, s: 0, type: 'IMAGE_OPENED', project: otherProjectId },
    { task: 11, user: ann, s: 30, type: 'BOX', project: otherProjectId },
    { task: 11, user: ann, s: 40, type: 'ACCEPT', project: otherProjectId },
  ];
  await db.interactionEvent.createMany({
    data: events.map((e) => ({
      projectId: e.project ?? projectId,
      taskId: `dash-t${e.task}`,
      imageId: `dash-img-${e.task}`,
      userId: e.user,
      objectId: 'o1',
      type: e.type,
      clientTime: at(e.s),
    })),
  });

  const mask = {
    width: 64,
    height: 48,
    finalRle: new Uint8Array([1]),
    area: 10,
    bboxX0: 1,
    bboxY0: 1,
    bboxX1: 5,
    bboxY1: 5,
  };
  await db.annotation.createMany({
    data: [
      {
        ...mask,
        id: 'dash-m1',
        projectId,
        taskId: 'dash-t1',
        imageId: 'dash-img-1',
        objectId: 'o1',
        createdById: ann,
        modelVersionId: v1,
        proposalDice: 0.8,
        proposalIou: 0.6,
        acceptedWithoutEdit: false,
        createdAt: at(435),
      },
      {
        ...mask,
        id: 'dash-m2',
        projectId,
        taskId: 'dash-t2',
        imageId: 'dash-img-2',
        objectId: 'o1',
        createdById: bob,
        modelVersionId: v1,
        proposalDice: 1,
        proposalIou: 1,
        acceptedWithoutEdit: true,
        createdAt: at(1009),
      },
      {
        ...mask,
        id: 'dash-m3a',
        projectId,
        taskId: 'dash-t3',
        imageId: 'dash-img-3',
        objectId: 'o1',
        createdById: ann,
        modelVersionId: v2,
        proposalDice: 0.9,
        proposalIou: 0.82,
        acceptedWithoutEdit: true,
        createdAt: at(2007),
      },
      {
        ...mask,
        id: 'dash-m3b',
        projectId,
        taskId: 'dash-t3',
        imageId: 'dash-img-3',
        objectId: 'o2',
        createdById: ann,
        modelVersionId: v2,
        proposalDice: 0.7,
        proposalIou: 0.54,
        acceptedWithoutEdit: false,
        createdAt: at(2020),
      },
      {
        ...mask,
        id: 'dash-m4',
        projectId,
        taskId: 'dash-t4',
        imageId: 'dash-img-4',
        objectId: 'o1',
        createdById: bob,
        createdAt: at(3055),
      },
      {
        ...mask,
        id: 'dash-m5',
        projectId,
        taskId: 'dash-t5',
        imageId: 'dash-img-5',
        objectId: 'o1',
        createdById: admin,
        source: 'IMPORTED',
        createdAt: at(100),
      },
      {
        ...mask,
        id: 'dash-other-m',
        projectId: otherProjectId,
        taskId: 'dash-t11',
        imageId: 'dash-img-11',
        objectId: 'o1',
        createdById: ann,
        modelVersionId: 'dash-other-v1',
        proposalDice: 0.1,
        createdAt: at(40),
      },
    ],
  });

  await db.review.createMany({
    data: [
      { taskId: 'dash-t1', reviewerId: reviewer, decision: 'SENT_BACK', createdAt: at(500) },
      { taskId: 'dash-t1', reviewerId: reviewer, decision: 'APPROVED', createdAt: at(1000) },
      { taskId: 'dash-t2', reviewerId: reviewer, decision: 'APPROVED', createdAt: at(1100) },
      { taskId: 'dash-t3', reviewerId: reviewer, decision: 'APPROVED', createdAt: at(2100) },
      { taskId: 'dash-t5', reviewerId: reviewer, decision: 'SENT_BACK', createdAt: at(2100) },
    ],
  });

  const loss = (n: number) =>
    Array.from({ length: n }, (_, k) => ({ step: k + 1, epoch: 1, loss: 1 / (k + 1) }));
  const now = Date.now();
  await db.trainingRun.createMany({
    data: [
      {
        id: 'dash-r1',
        projectId,
        kind: 'MAE_PRETRAIN',
        status: 'SUCCEEDED',
        imageCount: 10,
        createdAt: at(-7200),
        startedAt: at(-7100),
        finishedAt: at(-3600),
        lossHistory: loss(5),
      },
      {
        id: 'dash-r2',
        projectId,
        kind: 'FINETUNE',
        status: 'SUCCEEDED',
        resultModelVersionId: v1,
        createdAt: at(-900),
        startedAt: at(-800),
        finishedAt: at(-600),
        lossHistory: [],
      },
      {
        id: 'dash-r3',
        projectId,
        kind: 'FINETUNE',
        status: 'SUCCEEDED',
        baseModelVersionId: v1,
        resultModelVersionId: v2,
        trainLabelCount: 2,
        createdAt: at(1050),
        startedAt: at(1100),
        finishedAt: at(1400),
        lossHistory: loss(250),
        requestedById: admin,
        trigger: 'manual',
      },
      {
        id: 'dash-r5',
        projectId,
        kind: 'MAE_PRETRAIN',
        status: 'SUCCEEDED',
        imageCount: 10,
        createdAt: at(2500),
        startedAt: at(2510),
        finishedAt: at(2600),
        lossHistory: loss(3),
      },
      {
        id: 'dash-r4',
        projectId,
        kind: 'FINETUNE',
        status: 'SUCCEEDED',
        baseModelVersionId: v2,
        resultModelVersionId: v3,
        createdAt: at(3100),
        startedAt: at(3200),
        finishedAt: at(3500),
        // Malformed points a trainer might write: no step, a string step, a missing loss, a bare number.
        lossHistory: [...loss(8), { loss: 0.5 }, { step: 'ten', loss: 0.4 }, { step: 11 }, 7],
      },
      {
        id: 'dash-r6',
        projectId,
        kind: 'FINETUNE',
        status: 'RUNNING',
        baseModelVersionId: v2,
        progress: 0.25,
        createdAt: new Date(now - 180_000),
        startedAt: new Date(now - 120_000),
        lossHistory: loss(2),
      },
      {
        id: 'dash-r7',
        projectId,
        kind: 'FINETUNE',
        status: 'FAILED',
        error: 'out of memory',
        createdAt: new Date(now - 60_000),
        lossHistory: { not: 'an array' },
      },
      {
        id: 'dash-other-r',
        projectId: otherProjectId,
        kind: 'MAE_PRETRAIN',
        status: 'SUCCEEDED',
        createdAt: at(0),
      },
    ],
  });
}
