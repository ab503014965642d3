/**
 * Every dashboard aggregate against a real migrated database (Postgres when TEST_DATABASE_URL is
 * set, else embedded PGlite) holding the hand-worked seed of testing/seed-dashboard-small.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@loupe/db/testing';
import { SMALL, seedDashboardSmall } from './testing/seed-dashboard-small';
import { getMaskEfficiency, type EfficiencyStats } from './get-mask-efficiency';
import { listModelVersions } from './list-model-versions';
import { listPretrainMarkers } from './list-pretrain-markers';
import { listTrainingRuns } from './list-training-runs';
import { getQueueCounts } from './get-queue-counts';
import { listLeaseHolders } from './list-lease-holders';
import { listPriorityQueue } from './list-priority-queue';
import { getReviewOutcomes } from './get-review-outcomes';
import { loadDashboard } from './load-dashboard';
import { seedDashboardBulk } from './testing/seed-dashboard-bulk';

let testDb: TestDatabase;

beforeAll(async () => {
  testDb = await createTestDatabase();
  await seedDashboardSmall(testDb.db);
});

afterAll(async () => {
  await testDb?.close();
});

/** Expected stats, computed by hand from the per-mask effort listed in the seed's header. */
function stats(s: {
  masks: number;
  seconds: number;
  prompts: number | null;
  corrections: number | null;
  noEdit: number | null;
  dice: number | null;
  iou: number | null;
}): EfficiencyStats {
  return {
    masks: s.masks,
    activeSeconds: s.seconds,
    secondsPerMask: s.masks > 0 ? s.seconds / s.masks : null,
    promptsPerMask: s.prompts,
    correctionsPerMask: s.corrections,
    acceptedWithoutEditShare: s.noEdit,
    meanProposalDice: s.dice,
    meanProposalIou: s.iou,
    masksPerAnnotatorHour: s.seconds > 0 ? (s.masks * 3600) / s.seconds : null,
  };
}

function expectStats(actual: EfficiencyStats, expected: EfficiencyStats): void {
  for (const key of Object.keys(expected) as (keyof EfficiencyStats)[]) {
    const want = expected[key];
    if (want === null) expect(actual[key], key).toBeNull();
    else expect(actual[key], key).toBeCloseTo(want, 9);
  }
}

// Per mask: m1 98 s, 2 prompts, 2 corrections; m2 9 s, 1, 0; m3a and m3b 10 s, 1.5, 0 each;
// m4 55 s, 0, 2.
describe('getMaskEfficiency', () => {
  it('totals interactive masks of the project only', async () => {
    const result = await getMaskEfficiency(testDb.db, SMALL.projectId);
    expect(result.idleSeconds).toBe(60);
    expectStats(
      result.total,
      stats({
        masks: 5,
        seconds: 182,
        prompts: 6 / 5,
        corrections: 4 / 5,
        noEdit: 2 / 5,
        dice: 3.4 / 4,
        iou: 2.96 / 4,
      }),
    );
  });

  it('groups by model version, masks drawn without a model first', async () => {
    const { byModelVersion } = await getMaskEfficiency(testDb.db, SMALL.projectId);
    expect(byModelVersion.map((row) => [row.modelVersionId, row.version])).toEqual([
      [null, null],
      [SMALL.v1, 1],
      [SMALL.v2, 2],
    ]);
    const [manual, v1, v2] = byModelVersion;
    expectStats(
      manual!,
      stats({
        masks: 1,
        seconds: 55,
        prompts: 0,
        corrections: 2,
        noEdit: 0,
        dice: null,
        iou: null,
      }),
    );
    expectStats(
      v1!,
      stats({
        masks: 2,
        seconds: 107,
        prompts: 1.5,
        corrections: 1,
        noEdit: 0.5,
        dice: 0.9,
        iou: 0.8,
      }),
    );
    expectStats(
      v2!,
      stats({
        masks: 2,
        seconds: 20,
        prompts: 1.5,
        corrections: 0,
        noEdit: 0.5,
        dice: 0.8,
        iou: 0.68,
      }),
    );
  });

  it('buckets by accepted-label count', async () => {
    const result = await getMaskEfficiency(testDb.db, SMALL.projectId, { targetPoints: 2 });
    expect(result.bucketSize).toBe(3);
    expect(result.byLabelCount.map((row) => [row.bucket, row.firstLabel, row.lastLabel])).toEqual([
      [0, 1, 3],
      [1, 4, 5],
    ]);
    expectStats(
      result.byLabelCount[0]!,
      stats({
        masks: 3,
        seconds: 117,
        prompts: 1.5,
        corrections: 2 / 3,
        noEdit: 2 / 3,
        dice: 0.9,
        iou: 2.42 / 3,
      }),
    );
    expectStats(
      result.byLabelCount[1]!,
      stats({
        masks: 2,
        seconds: 65,
        prompts: 0.75,
        corrections: 1,
        noEdit: 0,
        dice: 0.7,
        iou: 0.54,
      }),
    );
  });

  it('groups by annotator', async () => {
    const { byAnnotator } = await getMaskEfficiency(testDb.db, SMALL.projectId);
    expect(byAnnotator.map((row) => [row.userId, row.name])).toEqual([
      [SMALL.ann, 'Ann'],
      [SMALL.bob, 'Bob'],
    ]);
    expectStats(
      byAnnotator[0]!,
      stats({
        masks: 3,
        seconds: 118,
        prompts: 5 / 3,
        corrections: 2 / 3,
        noEdit: 1 / 3,
        dice: 0.8,
        iou: 1.96 / 3,
      }),
    );
    expectStats(
      byAnnotator[1]!,
      stats({ masks: 2, seconds: 64, prompts: 0.5, corrections: 1, noEdit: 0.5, dice: 1, iou: 1 }),
    );
  });

  it('applies the idle cap', async () => {
    // With a 10 s cap, m1's 100 s gap and m4's 40 s gap count 10 s: 98 - 50 = 48, 55 - 30 = 25.
    const { total } = await getMaskEfficiency(testDb.db, SMALL.projectId, { idleSeconds: 10 });
    expect(total.activeSeconds).toBeCloseTo(182 - 50 - 30, 9);
  });

  it('returns an empty total for a project without masks', async () => {
    const result = await getMaskEfficiency(testDb.db, 'no-such-project');
    expect(result.total.masks).toBe(0);
    expect(result.total.secondsPerMask).toBeNull();
    expect(result.byModelVersion).toEqual([]);
    expect(result.byLabelCount).toEqual([]);
    expect(result.byAnnotator).toEqual([]);
  });
});

describe('listModelVersions', () => {
  it('lists versions with activity, promotion label counts and lineage', async () => {
    const rows = await listModelVersions(testDb.db, SMALL.projectId);
    expect(
      rows.map((r) => [
        r.version,
        r.status,
        r.isActive,
        r.labelsAtPromotion,
        r.parentVersion,
        r.producedByKind,
        r.trainLabelCount,
      ]),
    ).toEqual([
      [1, 'RETIRED', false, 0, null, 'FINETUNE', 0],
      [2, 'ACTIVE', true, 2, 1, 'FINETUNE', 2],
      [3, 'CANDIDATE', false, null, 2, 'FINETUNE', 3],
    ]);
    expect(rows[0]!.metrics).toEqual({ dice: 0.5, noc90: 6 });
    expect(rows[2]!.statusReason).toMatch(/NoC@90 regressed/);
    expect(rows[2]!.valDice).toBe(0.68);
    expect(rows[2]!.valNoc90).toBe(5);
    expect(rows[1]!.promotedAt).toEqual(new Date('2026-03-02T09:25:00.000Z'));
  });
});

describe('listPretrainMarkers', () => {
  it('places MAE runs at the training-label count reached before they finished', async () => {
    const rows = await listPretrainMarkers(testDb.db, SMALL.projectId);
    expect(rows.map((r) => [r.runId, r.status, r.trainLabelsAtRun])).toEqual([
      ['dash-r1', 'SUCCEEDED', 0],
      ['dash-r5', 'SUCCEEDED', 2],
    ]);
  });
});

describe('listTrainingRuns', () => {
  it('lists runs newest first with durations, results and downsampled loss', async () => {
    const rows = await listTrainingRuns(testDb.db, SMALL.projectId);
    expect(rows.map((r) => r.id)).toEqual([
      'dash-r7',
      'dash-r6',
      'dash-r4',
      'dash-r5',
      'dash-r3',
      'dash-r2',
      'dash-r1',
    ]);
    const byId = new Map(rows.map((r) => [r.id, r]));
    const r3 = byId.get('dash-r3')!;
    expect(r3.durationSeconds).toBe(300);
    expect([r3.baseVersion, r3.resultVersion, r3.resultStatus]).toEqual([1, 2, 'ACTIVE']);
    expect(r3.requestedByName).toBe('Ada Admin');
    expect(r3.lossPoints).toBe(250);
    // Every third point of 250 (k = ceil(250 / 100)): steps 1, 4, ..., 250 -> 84 points.
    expect(r3.loss).toHaveLength(84);
    expect(r3.loss[0]).toEqual({ step: 1, loss: 1 });
    expect(r3.loss[1]).toEqual({ step: 4, loss: 0.25 });
    expect(r3.loss.at(-1)).toEqual({ step: 250, loss: 1 / 250 });
    const r4 = byId.get('dash-r4')!;
    expect([r4.resultStatus, r4.resultStatusReason]).toEqual([
      'CANDIDATE',
      'NoC@90 regressed by 1 click (gate allows 0.5)',
    ]);
    // Malformed points: placed at their position when the step is not a number, dropped without a loss.
    expect(r4.lossPoints).toBe(12);
    expect(r4.loss.slice(-3)).toEqual([
      { step: 8, loss: 1 / 8 },
      { step: 9, loss: 0.5 },
      { step: 10, loss: 0.4 },
    ]);
    const r6 = byId.get('dash-r6')!;
    expect(r6.status).toBe('RUNNING');
    expect(r6.durationSeconds).toBeGreaterThanOrEqual(119);
    expect(r6.durationSeconds).toBeLessThan(600);
    const r7 = byId.get('dash-r7')!;
    expect([r7.status, r7.error, r7.durationSeconds, r7.lossPoints, r7.loss]).toEqual([
      'FAILED',
      'out of memory',
      null,
      0,
      [],
    ]);
    expect(byId.get('dash-r1')!.kind).toBe('MAE_PRETRAIN');
  });

  it('carries the boxes that waited or trained as boxes and the box rule check that held them back', async () => {
    const check = {
      masks: 19,
      dice: 0.723,
      minDice: 0.85,
      minMasks: 3,
      trusted: false,
      reason: 'box pseudo-masks wait: box Dice 0.723 on 19 human masks is below 0.85',
    };
    await testDb.db.trainingRun.update({
      where: { id: 'dash-r5' },
      data: { pseudoBoxWaiting: 12, pseudoBoxCheck: check, pseudoBoxSupervised: 5 },
    });
    try {
      const rows = await listTrainingRuns(testDb.db, SMALL.projectId);
      const r5 = rows.find((r) => r.id === 'dash-r5')!;
      expect([r5.pseudoBoxWaiting, r5.pseudoBoxCheck, r5.pseudoBoxSupervised]).toEqual([
        12,
        check,
        5,
      ]);
      const others = rows.filter((r) => r.id !== 'dash-r5');
      expect(
        others.every(
          (r) =>
            r.pseudoBoxWaiting === 0 && r.pseudoBoxCheck === null && r.pseudoBoxSupervised === 0,
        ),
      ).toBe(true);
    } finally {
      await testDb.db
        .$executeRaw`UPDATE "TrainingRun" SET "pseudoBoxWaiting" = 0, "pseudoBoxCheck" = NULL, "pseudoBoxSupervised" = 0 WHERE id = 'dash-r5'`;
    }
  });

  it('honours the limit and point budget', async () => {
    const rows = await listTrainingRuns(testDb.db, SMALL.projectId, {
      limit: 5,
      maxLossPoints: 10,
    });
    expect(rows).toHaveLength(5);
    const r3 = rows.find((r) => r.id === 'dash-r3')!;
    // k = 25: steps 1, 26, ..., 226, and the last point 250.
    expect(r3.loss.map((p) => p.step)).toEqual([1, 26, 51, 76, 101, 126, 151, 176, 201, 226, 250]);
  });
});

describe('queue', () => {
  it('counts tasks by status and bucket', async () => {
    const counts = await getQueueCounts(testDb.db, SMALL.projectId);
    expect(counts.byStatus).toEqual({
      UNLABELED: 3,
      IN_PROGRESS: 1,
      SUBMITTED: 2,
      APPROVED: 3,
      SENT_BACK: 0,
      SKIPPED: 1,
      FLAGGED: 0,
      WEAK_LABELED: 0,
    });
    expect([
      counts.labeled,
      counts.inProgress,
      counts.unlabeled,
      counts.weaklyLabeled,
      counts.skippedOrFlagged,
      counts.total,
      counts.liveLeases,
    ]).toEqual([5, 1, 3, 0, 1, 10, 2]);
  });

  it('lists live lease holders only', async () => {
    const rows = await listLeaseHolders(testDb.db, SMALL.projectId);
    expect(rows.map((r) => [r.userId, r.name, r.tasks])).toEqual([[SMALL.ann, 'Ann', 2]]);
    expect(rows[0]!.firstExpiresAt.getTime()).toBeGreaterThan(Date.now());
  });

  it('serves unlabeled tasks without a live lease, highest priority first', async () => {
    const rows = await listPriorityQueue(testDb.db, SMALL.projectId);
    expect(rows.map((r) => [r.taskId, r.imageId, r.fileName, r.priority])).toEqual([
      ['dash-t6', 'dash-img-6', 'scan-6.png', 0.9],
      ['dash-t8', 'dash-img-8', 'scan-8.png', 0.7],
    ]);
    expect(await listPriorityQueue(testDb.db, SMALL.projectId, 1)).toHaveLength(1);
  });
});

describe('getReviewOutcomes', () => {
  it('counts review decisions on each annotator’s tasks once per task', async () => {
    const rows = await getReviewOutcomes(testDb.db, SMALL.projectId);
    expect(rows).toEqual([
      { userId: SMALL.ann, reviews: 3, approved: 2, sentBack: 1 },
      { userId: SMALL.bob, reviews: 1, approved: 1, sentBack: 0 },
    ]);
  });
});

describe('loadDashboard', () => {
  it('joins annotator efficiency with review outcomes and times every part', async () => {
    const timings: Record<string, number> = {};
    const data = await loadDashboard(testDb.db, SMALL.projectId, {}, timings);
    expect(
      data.annotators.map((a) => [a.name, a.masks, a.reviews, a.approved, a.sentBack]),
    ).toEqual([
      ['Ann', 3, 3, 2, 1],
      ['Bob', 2, 1, 1, 0],
    ]);
    expect(data.annotators[0]!.editRate).toBeCloseTo(2 / 3, 9);
    expect(data.efficiency.total.masks).toBe(5);
    expect(data.modelVersions).toHaveLength(3);
    expect(data.pretrainMarkers).toHaveLength(2);
    expect(data.trainingRuns).toHaveLength(7);
    expect(data.queue.total).toBe(10);
    expect(data.leaseHolders).toHaveLength(1);
    expect(data.priorityQueue).toHaveLength(2);
    expect(Object.keys(timings).sort()).toEqual([
      'labelMix',
      'leaseHolders',
      'maskEfficiency',
      'modelVersions',
      'pretrainMarkers',
      'priorityQueue',
      'queueCounts',
      'reviewOutcomes',
      'trainingRuns',
    ]);
  });
});

describe('seedDashboardBulk (the benchmark and e2e seed)', () => {
  it('seeds a consistent project the dashboard reads back, serially or side by side', async () => {
    const seeded = await seedDashboardBulk(testDb.db, {
      events: 240,
      prefix: 'spec-bulk',
      annotators: 3,
      modelVersions: 4,
    });
    expect([
      seeded.events,
      seeded.annotations,
      seeded.tasks,
      seeded.modelVersions,
      seeded.trainingRuns,
    ]).toEqual([240, 24, 44, 4, 8]);
    const data = await loadDashboard(testDb.db, seeded.projectId);
    expect(data.efficiency.total.masks).toBe(24);
    // Every session: 161 s scaled by (1.5 - i/24) plus jitter, with 120 s idle cut out and no gap above 60 s.
    expect(data.efficiency.total.secondsPerMask).toBeGreaterThan(10);
    expect(data.efficiency.total.secondsPerMask).toBeLessThan(80);
    // The candidate (v4) served no masks; v1..v3 each served 8.
    expect(data.efficiency.byModelVersion.map((r) => [r.version, r.masks])).toEqual([
      [1, 8],
      [2, 8],
      [3, 8],
    ]);
    expect(data.modelVersions.map((m) => m.status)).toEqual([
      'RETIRED',
      'RETIRED',
      'ACTIVE',
      'CANDIDATE',
    ]);
    expect(data.queue.liveLeases).toBe(5);
    expect(data.annotators).toHaveLength(3);
    // Serial mode returns the same data (the running run's duration grows with the clock).
    const { trainingRuns, ...rest } = data;
    const { trainingRuns: serialRuns, ...serialRest } = await loadDashboard(
      testDb.db,
      seeded.projectId,
      { serial: true },
    );
    expect(serialRest).toEqual(rest);
    expect(serialRuns.map((r) => r.id)).toEqual(trainingRuns.map((r) => r.id));
  });
});
