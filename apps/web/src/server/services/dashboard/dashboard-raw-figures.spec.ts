/**
 * The dashboard's aggregates (mask efficiency by model version, accepted-label bucket and
 * annotator; labels at each promotion) must equal the same figures computed here in plain code
 * from the raw rows, on Postgres and on the embedded database, so any faster query (rollups,
 * fewer window steps; issue 18) is held to the definitions, including a promotion at the very
 * moment a mask was accepted (counted: createdAt <= promotedAt).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '@loupe/db';
import { createTestDatabaseOn, testDatabaseKinds, type TestDatabase } from '@loupe/db/testing';
import { getMaskEfficiency, type EfficiencyStats } from './get-mask-efficiency';
import { listModelVersions } from './list-model-versions';
import { SMALL, seedDashboardSmall } from './testing/seed-dashboard-small';
import { seedDashboardBulk } from './testing/seed-dashboard-bulk';

const kinds = await testDatabaseKinds();
const IDLE_SECONDS = 60;
const TARGET_POINTS = 7;

interface RawMask {
  id: string;
  taskId: string;
  createdById: string;
  modelVersionId: string | null;
  acceptedWithoutEdit: boolean;
  proposalDice: number | null;
  proposalIou: number | null;
  createdAt: Date;
}

interface RawEvent {
  taskId: string;
  userId: string;
  type: string;
  clientTime: Date;
}

interface MaskEffort extends RawMask {
  ordinal: number;
  seconds: number;
  prompts: number;
  corrections: number;
}

const mean = (values: number[]): number | null =>
  values.length === 0 ? null : values.reduce((s, v) => s + v, 0) / values.length;

function statsOf(masks: MaskEffort[]): EfficiencyStats {
  const seconds = masks.reduce((s, m) => s + m.seconds, 0);
  const present = (values: (number | null)[]) => values.filter((v): v is number => v !== null);
  return {
    masks: masks.length,
    activeSeconds: seconds,
    secondsPerMask: masks.length > 0 ? seconds / masks.length : null,
    promptsPerMask: mean(masks.map((m) => m.prompts)),
    correctionsPerMask: mean(masks.map((m) => m.corrections)),
    acceptedWithoutEditShare: mean(masks.map((m) => (m.acceptedWithoutEdit ? 1 : 0))),
    meanProposalDice: mean(present(masks.map((m) => m.proposalDice))),
    meanProposalIou: mean(present(masks.map((m) => m.proposalIou))),
    masksPerAnnotatorHour: seconds > 0 ? masks.length / (seconds / 3600) : null,
  };
}

/** Per-mask effort straight from the definitions in get-mask-efficiency.ts. */
async function rawEffort(db: Db, projectId: string): Promise<MaskEffort[]> {
  const masks = await db.$queryRaw<RawMask[]>`
    SELECT id, "taskId", "createdById", "modelVersionId", "acceptedWithoutEdit",
      "proposalDice", "proposalIou", "createdAt"
    FROM "Annotation" WHERE "projectId" = ${projectId} AND source = 'INTERACTIVE'`;
  const events = await db.$queryRaw<RawEvent[]>`
    SELECT "taskId", "userId", type::text AS type, "clientTime"
    FROM "InteractionEvent" WHERE "projectId" = ${projectId}`;
  const sessions = new Map<string, RawEvent[]>();
  for (const event of events) {
    const key = `${event.taskId}|${event.userId}`;
    sessions.set(key, [...(sessions.get(key) ?? []), event]);
  }
  const effort = new Map<string, { seconds: number; prompts: number; corrections: number }>();
  for (const [key, list] of sessions) {
    list.sort((a, b) => a.clientTime.getTime() - b.clientTime.getTime());
    let seconds = 0;
    list.forEach((event, i) => {
      const previous = list[i - 1];
      if (!previous || previous.type === 'IDLE_START' || previous.type === 'IMAGE_CLOSED') return;
      const gap = (event.clientTime.getTime() - previous.clientTime.getTime()) / 1000;
      seconds += Math.min(Math.max(gap, 0), IDLE_SECONDS);
    });
    const count = (types: string[]) => list.filter((e) => types.includes(e.type)).length;
    effort.set(key, {
      seconds,
      prompts: count(['BOX', 'POSITIVE_POINT', 'NEGATIVE_POINT']),
      corrections: count(['BRUSH_STROKE', 'ERASER_STROKE']),
    });
  }
  const perSession = new Map<string, number>();
  for (const m of masks) {
    const key = `${m.taskId}|${m.createdById}`;
    perSession.set(key, (perSession.get(key) ?? 0) + 1);
  }
  const ordered = [...masks].sort(
    (a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : 1),
  );
  return ordered.map((m, i) => {
    const key = `${m.taskId}|${m.createdById}`;
    const share = perSession.get(key)!;
    const session = effort.get(key) ?? { seconds: 0, prompts: 0, corrections: 0 };
    return {
      ...m,
      ordinal: i + 1,
      seconds: session.seconds / share,
      prompts: session.prompts / share,
      corrections: session.corrections / share,
    };
  });
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
}

/** Numbers to 6 decimals (sums are added in another order than the database's). */
const rounded = (value: unknown): unknown =>
  JSON.parse(
    JSON.stringify(value, (_key, v: unknown) =>
      typeof v === 'number' ? Math.round(v * 1e6) / 1e6 : v,
    ),
  );

async function expectEfficiencyMatchesRaw(db: Db, projectId: string): Promise<number> {
  const [result, effort] = await Promise.all([
    getMaskEfficiency(db, projectId, { targetPoints: TARGET_POINTS }),
    rawEffort(db, projectId),
  ]);
  const bucketSize = Math.max(1, Math.ceil(effort.length / TARGET_POINTS));
  expect(result.bucketSize).toBe(bucketSize);
  expect(rounded(result.total)).toEqual(rounded(statsOf(effort)));

  const byVersion = groupBy(effort, (m) => m.modelVersionId ?? '');
  expect(result.byModelVersion).toHaveLength(byVersion.size);
  for (const row of result.byModelVersion) {
    const { modelVersionId, version: _version, ...stats } = row;
    expect(rounded(stats)).toEqual(rounded(statsOf(byVersion.get(modelVersionId ?? '')!)));
  }

  const byBucket = groupBy(effort, (m) => String(Math.floor((m.ordinal - 1) / bucketSize)));
  expect(result.byLabelCount.map((r) => r.bucket)).toEqual([...byBucket.keys()].map(Number));
  for (const row of result.byLabelCount) {
    const { bucket, firstLabel, lastLabel, ...stats } = row;
    const members = byBucket.get(String(bucket))!;
    expect([firstLabel, lastLabel]).toEqual([members[0]!.ordinal, members.at(-1)!.ordinal]);
    expect(rounded(stats)).toEqual(rounded(statsOf(members)));
  }

  const byAnnotator = groupBy(effort, (m) => m.createdById);
  expect(result.byAnnotator).toHaveLength(byAnnotator.size);
  for (const row of result.byAnnotator) {
    const { userId, name: _name, email: _email, ...stats } = row;
    expect(rounded(stats)).toEqual(rounded(statsOf(byAnnotator.get(userId)!)));
  }
  return effort.length;
}

async function expectLabelsAtPromotionMatchRaw(db: Db, projectId: string): Promise<void> {
  const [rows, masks] = await Promise.all([
    listModelVersions(db, projectId),
    db.$queryRaw<{ createdAt: Date }[]>`
      SELECT "createdAt" FROM "Annotation"
      WHERE "projectId" = ${projectId} AND source = 'INTERACTIVE'`,
  ]);
  expect(rows.some((r) => r.promotedAt !== null)).toBe(true);
  for (const row of rows) {
    const expected =
      row.promotedAt === null
        ? null
        : masks.filter((m) => m.createdAt.getTime() <= row.promotedAt!.getTime()).length;
    expect([row.version, row.labelsAtPromotion]).toEqual([row.version, expected]);
  }
}

describe.each(kinds)('dashboard figures against the raw rows on %s', (kind) => {
  let test: TestDatabase;
  let bulkProjectId: string;
  beforeAll(async () => {
    test = await createTestDatabaseOn(kind, { poolSize: 4 });
    await seedDashboardSmall(test.db);
    const seeded = await seedDashboardBulk(test.db, {
      events: 600,
      prefix: 'raw-bulk',
      annotators: 3,
      modelVersions: 5,
    });
    bulkProjectId = seeded.projectId;
    // A promotion at the exact moment a mask was accepted: that mask counts.
    await test.db.$executeRaw`
      UPDATE "ModelVersion" mv SET "promotedAt" = (
        SELECT a."createdAt" FROM "Annotation" a
        WHERE a."projectId" = ${bulkProjectId} AND a.source = 'INTERACTIVE'
        ORDER BY a."createdAt" OFFSET 17 LIMIT 1)
      WHERE mv.id = (
        SELECT id FROM "ModelVersion" WHERE "projectId" = ${bulkProjectId}
          AND "promotedAt" IS NOT NULL ORDER BY version LIMIT 1)`;
  }, 120_000);
  afterAll(async () => {
    await test?.close();
  });

  it('mask efficiency equals the per-mask computation (hand-worked seed)', async () => {
    expect(await expectEfficiencyMatchesRaw(test.db, SMALL.projectId)).toBeGreaterThan(0);
  });

  it('mask efficiency equals the per-mask computation (bulk seed)', async () => {
    expect(await expectEfficiencyMatchesRaw(test.db, bulkProjectId)).toBe(60);
  });

  it('labels at each promotion equal a count of the masks accepted up to it', async () => {
    await expectLabelsAtPromotionMatchRaw(test.db, SMALL.projectId);
    await expectLabelsAtPromotionMatchRaw(test.db, bulkProjectId);
    const rows = await listModelVersions(test.db, bulkProjectId);
    expect(rows.find((r) => r.promotedAt !== null)?.labelsAtPromotion).toBe(18);
  });
});
