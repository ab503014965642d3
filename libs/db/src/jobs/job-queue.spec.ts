import { ContractError } from '@loupe/contracts';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TestDatabase } from '../testing/create-test-database';
import { createTestDatabaseOn, testDatabaseKinds } from '../testing/create-test-database';
import { claimNextJob } from './claim-next-job';
import { completeJob } from './complete-job';
import { enqueueJob } from './enqueue-job';
import { failJob } from './fail-job';
import { heartbeatJob } from './heartbeat-job';

const kinds = await testDatabaseKinds();

describe.each(kinds)('job queue on %s', (kind) => {
  let test: TestDatabase;
  beforeAll(async () => {
    test = await createTestDatabaseOn(kind);
  });
  afterAll(async () => {
    await test?.close();
  });
  // Claims are by kind across projects: every test starts from an empty queue.
  beforeEach(async () => {
    await test.db.job.deleteMany();
  });

  it('3 concurrent claimers get 3 distinct jobs; a 4th finds none', async () => {
    const type = 'score';
    const jobs = await Promise.all(
      [1, 2, 3].map(() => enqueueJob(test.db, { projectId: null, type })),
    );
    const claims = await Promise.all(
      ['w1', 'w2', 'w3'].map((workerId) =>
        claimNextJob(test.db, { workerId, types: [type], lockSeconds: 30 }),
      ),
    );
    expect(claims.every((claim) => claim !== null)).toBe(true);
    expect(new Set(claims.map((claim) => claim!.id))).toEqual(new Set(jobs.map((job) => job.id)));
    expect(claims.map((claim) => claim!.attempts)).toEqual([1, 1, 1]);
    expect(
      await claimNextJob(test.db, { workerId: 'w4', types: [type], lockSeconds: 30 }),
    ).toBeNull();
  });

  it('reclaims a running job whose lock expired (crashed worker); the old worker loses it', async () => {
    const type = 'evaluate';
    const job = await enqueueJob(test.db, { projectId: null, type });
    const first = await claimNextJob(test.db, { workerId: 'dead', types: [type], lockSeconds: 30 });
    expect(first?.id).toBe(job.id);
    expect(
      await claimNextJob(test.db, { workerId: 'other', types: [type], lockSeconds: 30 }),
    ).toBeNull();
    await test.db.job.update({
      where: { id: job.id },
      data: { lockedUntil: new Date(Date.now() - 1_000) },
    });
    const second = await claimNextJob(test.db, {
      workerId: 'alive',
      types: [type],
      lockSeconds: 30,
    });
    expect(second).toMatchObject({ id: job.id, attempts: 2 });
    expect(await heartbeatJob(test.db, { jobId: job.id, workerId: 'dead', lockSeconds: 30 })).toBe(
      false,
    );
    expect(await completeJob(test.db, { jobId: job.id, workerId: 'dead' })).toBe(false);
    expect(await heartbeatJob(test.db, { jobId: job.id, workerId: 'alive', lockSeconds: 30 })).toBe(
      true,
    );
    expect(await completeJob(test.db, { jobId: job.id, workerId: 'alive' })).toBe(true);
    expect(await test.db.job.findUniqueOrThrow({ where: { id: job.id } })).toMatchObject({
      status: 'SUCCEEDED',
      lockedBy: null,
    });
  });

  it('retries failures with backoff until attempts run out, and respects types and runAfter', async () => {
    const type = 'finetune';
    const job = await enqueueJob(test.db, { projectId: null, type, maxAttempts: 2 });
    await enqueueJob(test.db, { projectId: null, type, runAfter: new Date(Date.now() + 60_000) });
    expect(
      await claimNextJob(test.db, { workerId: 'w', types: ['score'], lockSeconds: 30 }),
    ).toBeNull();
    await claimNextJob(test.db, { workerId: 'w', types: [type], lockSeconds: 30 });
    expect(
      await failJob(test.db, { jobId: job.id, workerId: 'w', error: 'boom', retryDelaySeconds: 0 }),
    ).toBe('QUEUED');
    const again = await claimNextJob(test.db, { workerId: 'w', types: [type], lockSeconds: 30 });
    expect(again).toMatchObject({ id: job.id, attempts: 2 });
    expect(await failJob(test.db, { jobId: job.id, workerId: 'w', error: 'boom again' })).toBe(
      'FAILED',
    );
    expect(await test.db.job.findUniqueOrThrow({ where: { id: job.id } })).toMatchObject({
      status: 'FAILED',
      lastError: 'boom again',
    });
    // The other job is not due for a minute.
    expect(
      await claimNextJob(test.db, { workerId: 'w', types: [type], lockSeconds: 30 }),
    ).toBeNull();
  });

  it('fails for good when retry is false, and marks a lapsed job with no attempts left FAILED', async () => {
    const type = 'pretrain';
    const job = await enqueueJob(test.db, { projectId: null, type });
    await claimNextJob(test.db, { workerId: 'w', types: [type], lockSeconds: 30 });
    expect(
      await failJob(test.db, { jobId: job.id, workerId: 'w', error: 'bad input', retry: false }),
    ).toBe('FAILED');

    const lapsed = await enqueueJob(test.db, { projectId: null, type, maxAttempts: 1 });
    await claimNextJob(test.db, { workerId: 'gone', types: [type], lockSeconds: 30 });
    await test.db.job.update({
      where: { id: lapsed.id },
      data: { lockedUntil: new Date(Date.now() - 1_000) },
    });
    expect(
      await claimNextJob(test.db, { workerId: 'w', types: [type], lockSeconds: 30 }),
    ).toBeNull();
    const row = await test.db.job.findUniqueOrThrow({ where: { id: lapsed.id } });
    expect(row.status).toBe('FAILED');
    expect(row.lastError).toContain('gone');
  });

  it("stores the payload as its kind's schema reads it, and refuses one that does not fit", async () => {
    const job = await enqueueJob(test.db, { projectId: null, type: 'finetune' });
    expect(job.payload).toEqual({ trigger: 'manual' });
    const bad = { projectId: null, type: 'finetune', payload: { epochs: 'many' } };
    await expect(enqueueJob(test.db, bad as never)).rejects.toThrow(ContractError);
    await expect(enqueueJob(test.db, bad as never)).rejects.toThrow(
      'job request is malformed: payload.epochs: Invalid input: expected number, received string',
    );
    expect(await test.db.job.count()).toBe(1);
  });
});
