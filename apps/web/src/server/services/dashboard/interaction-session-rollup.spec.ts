/**
 * The InteractionSession rollup (kept by triggers on InteractionEvent) must give exactly the
 * figures of the full scan over the events, on Postgres and on the embedded database: after bulk
 * SQL inserts, after event batches that arrive out of order or side by side for one session, and
 * after events are deleted with their task.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '@loupe/db';
import { createTestDatabaseOn, testDatabaseKinds, type TestDatabase } from '@loupe/db/testing';
import { getMaskEfficiency, type MaskEfficiency } from './get-mask-efficiency';
import { SMALL, seedDashboardSmall } from './testing/seed-dashboard-small';
import { seedDashboardBulk } from './testing/seed-dashboard-bulk';

const kinds = await testDatabaseKinds();

/** Every figure of the two results, numbers to 9 decimals (sums may be added in another order). */
function expectSameFigures(rollup: MaskEfficiency, scan: MaskEfficiency): void {
  const rounded = (value: unknown): unknown =>
    JSON.parse(
      JSON.stringify(value, (_key, v: unknown) =>
        typeof v === 'number' ? Math.round(v * 1e9) / 1e9 : v,
      ),
    );
  expect(rounded(rollup)).toEqual(rounded(scan));
}

async function compare(db: Db, projectId: string): Promise<MaskEfficiency> {
  const [rollup, scan] = await Promise.all([
    getMaskEfficiency(db, projectId),
    getMaskEfficiency(db, projectId, { source: 'events' }),
  ]);
  expectSameFigures(rollup, scan);
  return rollup;
}

describe.each(kinds)('InteractionSession rollup on %s', (kind) => {
  let test: TestDatabase;
  beforeAll(async () => {
    test = await createTestDatabaseOn(kind, { poolSize: 4 });
    await seedDashboardSmall(test.db);
  });
  afterAll(async () => {
    await test?.close();
  });

  it('equals the full scan on the hand-worked seed and on a 2,000-event bulk seed', async () => {
    const small = await compare(test.db, SMALL.projectId);
    expect(small.total.masks).toBe(5);
    expect(small.total.activeSeconds).toBeCloseTo(182, 9);
    const bulk = await seedDashboardBulk(test.db, { events: 2_000, prefix: `rollup-${kind}` });
    const figures = await compare(test.db, bulk.projectId);
    expect(figures.total.masks).toBe(bulk.annotations);
    expect(figures.total.activeSeconds).toBeGreaterThan(0);
    const sessions = await test.db.interactionSession.count({
      where: { projectId: bulk.projectId },
    });
    expect(sessions).toBe(bulk.events / 10);
  });

  it('stays equal with batches out of order, side by side, and after deleting a task', async () => {
    const bulk = await seedDashboardBulk(test.db, { events: 200, prefix: `late-${kind}` });
    const task = await test.db.task.findFirstOrThrow({
      where: { projectId: bulk.projectId, annotations: { some: {} } },
      select: { id: true, imageId: true, annotations: { select: { createdById: true } } },
    });
    const userId = task.annotations[0]!.createdById;
    const before = await test.db.interactionSession.findUniqueOrThrow({
      where: { taskId_userId: { taskId: task.id, userId } },
    });
    const at = (seconds: number) => new Date(Date.parse('2026-01-05T07:00:00Z') + seconds * 1000);
    const event = (type: 'BOX' | 'POSITIVE_POINT' | 'BRUSH_STROKE', seconds: number) => ({
      projectId: bulk.projectId,
      taskId: task.id,
      imageId: task.imageId,
      userId,
      type,
      clientTime: at(seconds),
    });
    // Events from before the session's first one (a late flush), then two batches at once.
    await test.db.interactionEvent.createMany({
      data: [event('BOX', 0), event('POSITIVE_POINT', 20), event('BRUSH_STROKE', 100)],
    });
    await Promise.all([
      test.db.interactionEvent.createMany({ data: [event('POSITIVE_POINT', 30)] }),
      test.db.interactionEvent.createMany({ data: [event('BRUSH_STROKE', 45)] }),
    ]);
    const after = await test.db.interactionSession.findUniqueOrThrow({
      where: { taskId_userId: { taskId: task.id, userId } },
    });
    expect(after.events).toBe(before.events + 5);
    expect(after.prompts).toBe(before.prompts + 3);
    expect(after.corrections).toBe(before.corrections + 2);
    // Gaps 20 + 10 + 15 + 55, then 60 (capped) up to the session's first original event.
    expect(after.activeSeconds).toBeCloseTo(before.activeSeconds + 160, 6);
    await compare(test.db, bulk.projectId);

    await test.db.interactionEvent.deleteMany({
      where: { taskId: task.id, clientTime: { lt: at(50) } },
    });
    const trimmed = await test.db.interactionSession.findUniqueOrThrow({
      where: { taskId_userId: { taskId: task.id, userId } },
    });
    expect(trimmed.events).toBe(before.events + 1);
    expect(trimmed.activeSeconds).toBeCloseTo(before.activeSeconds + 60, 6);
    await compare(test.db, bulk.projectId);

    await test.db.task.delete({ where: { id: task.id } });
    expect(await test.db.interactionSession.count({ where: { taskId: task.id } })).toBe(0);
    await compare(test.db, bulk.projectId);
  });
});
