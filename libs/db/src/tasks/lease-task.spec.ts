import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDatabase } from '../testing/create-test-database';
import { createTestDatabaseOn, testDatabaseKinds } from '../testing/create-test-database';
import { createProjectWithTasks } from '../testing/fixtures';
import { DbError, LeaseConflictError, StaleRevisionError } from '../errors/db-error';
import { leaseNextTask } from './lease-next-task';
import { leaseTask } from './lease-task';
import { releaseLease } from './release-lease';
import { renewLease } from './renew-lease';
import { saveAnnotation } from './save-annotation';

const kinds = await testDatabaseKinds();

const mask = (seed: number) => new Uint8Array([seed & 255, 1, 2, 3]);
const maskStats = { width: 64, height: 64, area: 10, bboxX0: 1, bboxY0: 1, bboxX1: 5, bboxY1: 5 };

describe.each(kinds)('leases and saves on %s', (kind) => {
  let test: TestDatabase;
  beforeAll(async () => {
    test = await createTestDatabaseOn(kind, { poolSize: 20 });
  });
  afterAll(async () => {
    await test?.close();
  });

  it('50 simultaneous leases of one task: exactly one wins, the rest get LeaseConflictError', async () => {
    const { tasks, userIds } = await createProjectWithTasks(test.db, { tasks: 1, users: 50 });
    const taskId = tasks[0]!.id;
    const results = await Promise.allSettled(
      userIds.map((userId) => leaseTask(test.db, { taskId, userId, leaseSeconds: 60 })),
    );
    const winners = results.filter((result) => result.status === 'fulfilled');
    const losers = results.filter(
      (result): result is PromiseRejectedResult => result.status === 'rejected',
    );
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(49);
    for (const loser of losers) expect(loser.reason).toBeInstanceOf(LeaseConflictError);
    const winner = (winners[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof leaseTask>>>)
      .value;
    const row = await test.db.task.findUniqueOrThrow({ where: { id: taskId } });
    expect(row.leaseHolderId).toBe(winner.leaseHolderId);
    expect(row.status).toBe('IN_PROGRESS');
  });

  it('50 simultaneous saves on 50 different tasks: none lost', async () => {
    const { tasks, userIds } = await createProjectWithTasks(test.db, { tasks: 50, users: 50 });
    await Promise.all(
      tasks.map((task, index) =>
        leaseTask(test.db, { taskId: task.id, userId: userIds[index]!, leaseSeconds: 60 }),
      ),
    );
    const saved = await Promise.all(
      tasks.map((task, index) =>
        saveAnnotation(test.db, {
          taskId: task.id,
          userId: userIds[index]!,
          expectedRevision: 0,
          objectId: 'o1',
          finalRle: mask(index),
          ...maskStats,
        }),
      ),
    );
    expect(saved.every((result) => result.revision === 1)).toBe(true);
    const rows = await test.db.annotation.findMany({
      where: { taskId: { in: tasks.map((task) => task.id) } },
      select: { taskId: true, finalRle: true },
    });
    expect(rows).toHaveLength(50);
    const byTask = new Map(rows.map((row) => [row.taskId, Array.from(row.finalRle)]));
    tasks.forEach((task, index) => expect(byTask.get(task.id)).toEqual(Array.from(mask(index))));
  });

  it('leaseNextTask hands concurrent callers distinct tasks, highest priority first', async () => {
    const { projectId, userIds } = await createProjectWithTasks(test.db, {
      tasks: 5,
      users: 8,
      priorities: [1, 5, 3, 4, 2],
    });
    const leased = await Promise.all(
      userIds.map((userId) => leaseNextTask(test.db, { projectId, userId, leaseSeconds: 60 })),
    );
    const got = leased.filter((task) => task !== null);
    expect(got).toHaveLength(5);
    expect(new Set(got.map((task) => task.id)).size).toBe(5);
    expect(leased.filter((task) => task === null)).toHaveLength(3);
    const first = await leaseNextTask(test.db, {
      projectId,
      userId: userIds[0]!,
      leaseSeconds: 60,
    });
    expect(first?.id).toBe(leased[0]?.id); // the caller's own live lease comes back first
  });

  it('50 annotators working one queue at once: every task is served exactly once, never to two', async () => {
    // Many equal priorities, so ties (createdAt, id) are exercised as well as the order.
    const priorities = Array.from({ length: 150 }, (_, i) => (i % 3 === 0 ? 0 : (i % 7) / 7));
    const { projectId, userIds } = await createProjectWithTasks(test.db, {
      tasks: priorities.length,
      users: 50,
      priorities,
    });
    const servedTo = new Map<string, string[]>();
    await Promise.all(
      userIds.map(async (userId) => {
        for (;;) {
          const task = await leaseNextTask(test.db, { projectId, userId, leaseSeconds: 60 });
          if (!task) return;
          servedTo.set(task.id, [...(servedTo.get(task.id) ?? []), userId]);
          // Submit as the service does: only the live lease holder may finish the task.
          const finished = await test.db.task.updateMany({
            where: { id: task.id, status: 'IN_PROGRESS', leaseHolderId: userId },
            data: { status: 'SUBMITTED', leaseHolderId: null, leaseExpiresAt: null },
          });
          expect(finished.count).toBe(1);
        }
      }),
    );
    expect(servedTo.size).toBe(priorities.length);
    for (const holders of servedTo.values()) expect(holders).toHaveLength(1);
    expect(await test.db.task.count({ where: { projectId, status: 'SUBMITTED' } })).toBe(
      priorities.length,
    );
  });

  it('lease-ahead: excludeTaskId leases one task beyond the current one, never a third', async () => {
    const { projectId, userIds } = await createProjectWithTasks(test.db, {
      tasks: 4,
      users: 2,
      priorities: [0.9, 0.8, 0.7, 0.6],
    });
    const [alice, bob] = [userIds[0]!, userIds[1]!];
    const lease = (userId: string, excludeTaskId?: string) =>
      leaseNextTask(test.db, { projectId, userId, leaseSeconds: 60, excludeTaskId });
    const current = (await lease(alice))!;
    expect(current.priority).toBeCloseTo(0.9);
    const ahead = (await lease(alice, current.id))!;
    expect(ahead.id).not.toBe(current.id);
    expect(ahead.priority).toBeCloseTo(0.8);
    // Asking again (a reload, a second effect) returns the same task ahead: never a third lease.
    expect((await lease(alice, current.id))?.id).toBe(ahead.id);
    expect((await lease(alice, ahead.id))?.id).toBe(current.id);
    expect(
      await test.db.task.count({
        where: { projectId, leaseHolderId: alice, leaseExpiresAt: { gt: new Date() } },
      }),
    ).toBe(2);
    // Someone else gets neither of alice's tasks.
    const other = (await lease(bob))!;
    expect([current.id, ahead.id]).not.toContain(other.id);
    // After submitting the current task, "next" serves the task leased ahead.
    await test.db.task.update({
      where: { id: current.id },
      data: { status: 'SUBMITTED', leaseHolderId: null, leaseExpiresAt: null },
    });
    expect((await lease(alice))?.id).toBe(ahead.id);
  });

  it("without leaseSeconds, leases for the project's own lease length", async () => {
    const { projectId, userIds } = await createProjectWithTasks(test.db, { tasks: 2, users: 1 });
    await test.db.project.update({ where: { id: projectId }, data: { leaseSeconds: 4321 } });
    const before = Date.now();
    const leased = await leaseNextTask(test.db, { projectId, userId: userIds[0]! });
    const seconds = (leased!.leaseExpiresAt.getTime() - before) / 1000;
    // The database clock may differ from this one by a little.
    expect(seconds).toBeGreaterThan(4321 - 30);
    expect(seconds).toBeLessThan(4321 + 30);
  });

  it('serves the highest priority task first and resumes an expired lease for others', async () => {
    const { projectId, userIds } = await createProjectWithTasks(test.db, {
      tasks: 3,
      users: 2,
      priorities: [0.1, 0.9, 0.5],
    });
    const top = await leaseNextTask(test.db, { projectId, userId: userIds[0]!, leaseSeconds: 60 });
    expect(top?.priority).toBeCloseTo(0.9);
    await test.db.task.update({
      where: { id: top!.id },
      data: { leaseExpiresAt: new Date(Date.now() - 1_000) },
    });
    const again = await leaseNextTask(test.db, {
      projectId,
      userId: userIds[1]!,
      leaseSeconds: 60,
    });
    expect(again?.id).toBe(top!.id);
    expect(again?.leaseHolderId).toBe(userIds[1]);
  });

  it('refuses saves without a live lease and with a stale revision; release frees the task', async () => {
    const { tasks, userIds } = await createProjectWithTasks(test.db, { tasks: 1, users: 2 });
    const taskId = tasks[0]!.id;
    const [alice, bob] = [userIds[0]!, userIds[1]!];
    await leaseTask(test.db, { taskId, userId: alice, leaseSeconds: 60 });
    const save = (userId: string, expectedRevision?: number) =>
      saveAnnotation(test.db, {
        taskId,
        userId,
        expectedRevision,
        objectId: 'o1',
        finalRle: mask(1),
        ...maskStats,
      });
    await expect(save(bob)).rejects.toBeInstanceOf(LeaseConflictError);
    expect((await save(alice, 0)).revision).toBe(1);
    await expect(save(alice, 0)).rejects.toBeInstanceOf(StaleRevisionError);
    expect((await save(alice, 1)).revision).toBe(2);
    expect(
      (
        await renewLease(test.db, { taskId, userId: alice, leaseSeconds: 120 })
      ).leaseExpiresAt.getTime(),
    ).toBeGreaterThan(Date.now() + 60_000);

    await test.db.task.update({
      where: { id: taskId },
      data: { leaseExpiresAt: new Date(Date.now() - 1_000) },
    });
    await expect(save(alice, 2)).rejects.toMatchObject({ code: 'LEASE_EXPIRED' });
    await expect(
      renewLease(test.db, { taskId, userId: alice, leaseSeconds: 60 }),
    ).rejects.toMatchObject({ code: 'LEASE_EXPIRED' });

    await leaseTask(test.db, { taskId, userId: bob, leaseSeconds: 60 });
    expect(await releaseLease(test.db, { taskId, userId: alice })).toBe(false);
    expect(await releaseLease(test.db, { taskId, userId: bob })).toBe(true);
    const row = await test.db.task.findUniqueOrThrow({ where: { id: taskId } });
    expect(row).toMatchObject({ status: 'IN_PROGRESS', leaseHolderId: null, revision: 2 });
    await expect(
      leaseTask(test.db, { taskId: 'missing', userId: bob, leaseSeconds: 60 }),
    ).rejects.toSatisfy((error: unknown) => error instanceof DbError && error.code === 'NOT_FOUND');
  });
  it('a retried save whose first attempt committed gets that commit back, once, not a conflict', async () => {
    const { tasks, userIds } = await createProjectWithTasks(test.db, { tasks: 1, users: 2 });
    const taskId = tasks[0]!.id;
    const [alice, bob] = [userIds[0]!, userIds[1]!];
    await leaseTask(test.db, { taskId, userId: alice, leaseSeconds: 60 });
    const save = (userId: string, clientSaveId: string | null, objectId = 'o1') =>
      saveAnnotation(test.db, {
        taskId,
        userId,
        expectedRevision: 0,
        objectId,
        finalRle: mask(2),
        ...maskStats,
        clientSaveId,
      });
    const first = await save(alice, 'save-aaaa-1');
    expect(first).toMatchObject({ revision: 1 });
    expect(first.replayed).toBeUndefined();
    // The answer was lost; the page sends the same save again (same id, same expectedRevision).
    const retried = await save(alice, 'save-aaaa-1');
    expect(retried).toEqual({ annotationId: first.annotationId, revision: 1, replayed: true });
    expect(await test.db.annotation.count({ where: { taskId } })).toBe(1);
    expect((await test.db.task.findUniqueOrThrow({ where: { id: taskId } })).revision).toBe(1);
    // A different save on the stale revision, one without an id, or another user's replay of
    // the id still conflict.
    await expect(save(alice, 'save-bbbb-2')).rejects.toBeInstanceOf(StaleRevisionError);
    await expect(save(alice, null)).rejects.toBeInstanceOf(StaleRevisionError);
    await expect(save(alice, 'save-aaaa-1', 'o2')).rejects.toBeInstanceOf(StaleRevisionError);
    await expect(save(bob, 'save-aaaa-1')).rejects.toBeInstanceOf(LeaseConflictError);
  });
});
