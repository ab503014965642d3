/**
 * One training job per project at a time (issue 18 item 7): two trainers claiming together never
 * run two fine-tuning (or pretraining) rounds of one project side by side, still share the queue
 * across projects, and a crashed trainer's lapsed round is reclaimed instead of blocking its
 * project.
 */
import { randomBytes } from 'node:crypto';
import type { JobKind } from '@loupe/contracts';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TestDatabase } from '../testing/create-test-database';
import { createTestDatabaseOn, testDatabaseKinds } from '../testing/create-test-database';
import { claimNextJob } from './claim-next-job';
import { completeJob } from './complete-job';
import { enqueueJob } from './enqueue-job';
import { heartbeatJob } from './heartbeat-job';

const kinds = await testDatabaseKinds();
const TRAINING: JobKind[] = ['finetune', 'pretrain'];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(kinds)('training job claims on %s', (kind) => {
  let test: TestDatabase;
  beforeAll(async () => {
    test = await createTestDatabaseOn(kind);
  });
  afterAll(async () => {
    await test?.close();
  });
  beforeEach(async () => {
    await test.db.job.deleteMany();
  });

  async function projects(count: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const suffix = randomBytes(4).toString('hex');
      const project = await test.db.project.create({
        data: { slug: `claims-${suffix}`, name: `Claims ${suffix}` },
        select: { id: true },
      });
      ids.push(project.id);
    }
    return ids;
  }

  const claim = (workerId: string, types: JobKind[] = TRAINING) =>
    claimNextJob(test.db, { workerId, types, lockSeconds: 30 });

  it('two claimers started together get rounds of two different projects, every time', async () => {
    const [a, b] = (await projects(2)) as [string, string];
    for (let round = 0; round < 12; round++) {
      // Oldest first: both of A's rounds sort before B's, so a claim without the exclusion hands
      // the second claimer A's other round.
      const base = Date.now() - 1_000;
      for (const [i, projectId] of [a, a, b, b].entries())
        await enqueueJob(test.db, {
          projectId,
          type: round % 3 === 2 ? 'pretrain' : 'finetune',
          runAfter: new Date(base + i),
        });
      const claims = await Promise.all([claim('w1'), claim('w2')]);
      expect(claims.every((c) => c !== null)).toBe(true);
      expect(new Set(claims.map((c) => c!.projectId))).toEqual(new Set([a, b]));
      for (const [i, c] of claims.entries())
        expect(await completeJob(test.db, { jobId: c!.id, workerId: `w${i + 1}` })).toBe(true);
      await test.db.job.deleteMany();
    }
  });

  it('two claim loops drain three projects: never two rounds of one project at once, side by side across projects', async () => {
    const ids = await projects(3);
    const jobs: string[] = [];
    // Project after project, oldest first: without the exclusion both claimers take the first's.
    const base = Date.now() - 1_000;
    for (const projectId of ids)
      for (let k = 0; k < 3; k++)
        jobs.push(
          (
            await enqueueJob(test.db, {
              projectId,
              type: 'finetune',
              runAfter: new Date(base + jobs.length),
            })
          ).id,
        );
    const runningIn = new Map<string, string>(); // project -> worker, as the workers hold them
    const overlaps: string[] = [];
    let mostAtOnce = 0;
    const projectsByWorker = new Map<string, Set<string>>();
    const work = async (workerId: string) => {
      while ((await test.db.job.count({ where: { status: { not: 'SUCCEEDED' } } })) > 0) {
        const job = await claim(workerId);
        if (!job) {
          await sleep(5);
          continue;
        }
        const projectId = job.projectId as string;
        const holder = runningIn.get(projectId);
        if (holder) overlaps.push(`${workerId} and ${holder} in ${projectId}`);
        runningIn.set(projectId, workerId);
        mostAtOnce = Math.max(mostAtOnce, runningIn.size);
        (
          projectsByWorker.get(workerId) ?? projectsByWorker.set(workerId, new Set()).get(workerId)!
        ).add(projectId);
        await sleep(40); // the round's work
        // Let go before completing: the next claim in this project can only follow the commit.
        runningIn.delete(projectId);
        expect(await completeJob(test.db, { jobId: job.id, workerId })).toBe(true);
      }
    };
    await Promise.all([work('w1'), work('w2')]);
    expect(overlaps).toEqual([]);
    expect(mostAtOnce).toBe(2);
    expect([...projectsByWorker.keys()].sort()).toEqual(['w1', 'w2']);
    expect(new Set([...projectsByWorker.values()].flatMap((set) => [...set]))).toEqual(
      new Set(ids),
    );
    const rows = await test.db.job.findMany({ where: { id: { in: jobs } } });
    expect(rows.map((r) => [r.status, r.attempts])).toEqual(jobs.map(() => ['SUCCEEDED', 1]));
  });

  it("a crashed trainer's lapsed round is reclaimed first, then the project's next round runs", async () => {
    const [p, q] = (await projects(2)) as [string, string];
    const stale = await enqueueJob(test.db, { projectId: p, type: 'finetune' });
    expect((await claim('dead'))?.id).toBe(stale.id);
    // Sorted before the stale round: a claim that ignored lapsed rounds would take this one.
    const next = await enqueueJob(test.db, {
      projectId: p,
      type: 'pretrain',
      runAfter: new Date(Date.now() - 60_000),
    });
    const other = await enqueueJob(test.db, { projectId: q, type: 'finetune' });
    expect((await claim('alive'))?.id).toBe(other.id);
    expect(await claim('alive-2')).toBeNull();

    await test.db.job.update({
      where: { id: stale.id },
      data: { lockedUntil: new Date(Date.now() - 1_000) },
    });
    expect(await claim('alive-2')).toMatchObject({ id: stale.id, attempts: 2 });
    expect(
      await heartbeatJob(test.db, { jobId: stale.id, workerId: 'dead', lockSeconds: 30 }),
    ).toBe(false);
    expect(await claim('alive-3')).toBeNull();
    expect(await completeJob(test.db, { jobId: stale.id, workerId: 'alive-2' })).toBe(true);
    expect(await claim('alive-3')).toMatchObject({ id: next.id, attempts: 1 });
  });

  it('a lapsed round with no attempts left is failed and no longer holds its project', async () => {
    const [p] = (await projects(1)) as [string];
    const stale = await enqueueJob(test.db, { projectId: p, type: 'finetune', maxAttempts: 1 });
    await claim('dead');
    const next = await enqueueJob(test.db, { projectId: p, type: 'finetune' });
    expect(await claim('alive')).toBeNull();
    await test.db.job.update({
      where: { id: stale.id },
      data: { lockedUntil: new Date(Date.now() - 1_000) },
    });
    expect((await claim('alive'))?.id).toBe(next.id);
    expect(await test.db.job.findUniqueOrThrow({ where: { id: stale.id } })).toMatchObject({
      status: 'FAILED',
    });
  });

  it("scoring and evaluation run beside a project's round; rounds without a project are not held", async () => {
    const [p] = (await projects(1)) as [string];
    await enqueueJob(test.db, { projectId: p, type: 'finetune' });
    await claim('w1');
    await enqueueJob(test.db, { projectId: p, type: 'finetune' });
    const score = await enqueueJob(test.db, { projectId: p, type: 'score' });
    const evaluate = await enqueueJob(test.db, { projectId: p, type: 'evaluate' });
    const all: JobKind[] = ['finetune', 'pretrain', 'score', 'evaluate'];
    expect((await claim('w2', all))?.id).toBe(score.id);
    expect((await claim('w3', all))?.id).toBe(evaluate.id);
    expect(await claim('w4', all)).toBeNull();
    const loose = await Promise.all(
      [1, 2].map(() => enqueueJob(test.db, { projectId: null, type: 'finetune' })),
    );
    const claimed = await Promise.all([claim('w5'), claim('w6')]);
    expect(new Set(claimed.map((c) => c?.id))).toEqual(new Set(loose.map((j) => j.id)));
  });
});
