import { enqueueJob, type Db } from '@loupe/db';
import type { TestDatabase } from '@loupe/db/testing';
import { createSpecDatabase } from '../testing/create-spec-database';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TrainerError } from '../errors';
import { createDbJobQueue } from './create-db-job-queue';
import { processNextJob, type JobHandlers } from './process-next-job';

let database: TestDatabase;
let db: Db;

beforeAll(async () => {
  database = await createSpecDatabase({ poolSize: 4 });
  db = database.db;
});
afterAll(async () => {
  await database?.close();
});
// Workers claim by kind across projects: every test starts from an empty queue.
beforeEach(async () => {
  await db.job.deleteMany();
});

async function newProject(): Promise<string> {
  const project = await db.project.create({
    data: { slug: `p-${Math.random().toString(36).slice(2)}`, name: 'p' },
  });
  return project.id;
}

describe('processNextJob', () => {
  it('never gives one job to two workers', async () => {
    const projectId = await newProject();
    for (let i = 0; i < 4; i++) await enqueueJob(db, { projectId, type: 'score' });
    const seen: string[] = [];
    const handlers: JobHandlers = {
      score: async ({ job }) => {
        seen.push(job.id);
        await new Promise((done) => setTimeout(done, 30));
      },
    };
    const worker = (id: string) =>
      processNextJob({
        queue: createDbJobQueue(db, ['score']),
        handlers,
        workerId: id,
        lockSeconds: 30,
      });
    const outcomes = await Promise.all([worker('w1'), worker('w2'), worker('w3'), worker('w4')]);
    expect(outcomes.every((o) => o.status === 'succeeded')).toBe(true);
    expect(new Set(seen).size).toBe(4);
    expect(await db.job.count({ where: { projectId, status: 'SUCCEEDED' } })).toBe(4);
  });

  it('records a failure, retries a transient one and fails a permanent one at once, then goes on', async () => {
    const projectId = await newProject();
    const transient = await enqueueJob(db, { projectId, type: 'evaluate' });
    const permanent = await enqueueJob(db, {
      projectId,
      type: 'evaluate',
      runAfter: new Date(Date.now() + 1),
    });
    const healthy = await enqueueJob(db, {
      projectId,
      type: 'evaluate',
      runAfter: new Date(Date.now() + 2),
    });
    await new Promise((done) => setTimeout(done, 10));
    const handlers: JobHandlers = {
      evaluate: async ({ job }) => {
        if (job.id === transient.id) throw new Error('database hiccup');
        if (job.id === permanent.id)
          throw new TrainerError('CORRUPT_IMAGE', 'image x: pixels could not be decoded');
      },
    };
    const queue = createDbJobQueue(db, ['evaluate']);
    const results = [];
    for (let i = 0; i < 3; i++)
      results.push(await processNextJob({ queue, handlers, workerId: 'w', lockSeconds: 30 }));
    expect(results.map((r) => r.status)).toEqual(['failed', 'failed', 'succeeded']);

    const rows = await db.job.findMany({
      where: { id: { in: [transient.id, permanent.id, healthy.id] } },
      select: { id: true, status: true, lastError: true },
    });
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(byId.get(transient.id)).toMatchObject({
      status: 'QUEUED',
      lastError: 'Error: database hiccup',
    });
    expect(byId.get(permanent.id)).toMatchObject({
      status: 'FAILED',
      lastError: 'CORRUPT_IMAGE: image x: pixels could not be decoded',
    });
    expect(byId.get(healthy.id)?.status).toBe('SUCCEEDED');
  });

  it('hands the handler the payload checked and typed by its kind', async () => {
    const projectId = await newProject();
    await enqueueJob(db, { projectId, type: 'finetune', payload: { trigger: 'cli', epochs: 2 } });
    const payloads: unknown[] = [];
    const outcome = await processNextJob({
      queue: createDbJobQueue(db, ['finetune']),
      handlers: {
        finetune: async ({ job }) => {
          payloads.push(job.payload);
          expect(job.payload.epochs).toBe(2);
        },
      },
      workerId: 'w',
      lockSeconds: 30,
    });
    expect(outcome.status).toBe('succeeded');
    expect(payloads).toEqual([{ trigger: 'cli', epochs: 2 }]);
  });

  it('fails a job whose stored payload breaks its contract for good, naming the field, without running it', async () => {
    const projectId = await newProject();
    const job = await enqueueJob(db, { projectId, type: 'pretrain' });
    // Written by something other than enqueueJob (an older version, a hand-edited row).
    await db.job.update({ where: { id: job.id }, data: { payload: { epochs: 'ten' } } });
    let ran = false;
    const outcome = await processNextJob({
      queue: createDbJobQueue(db, ['pretrain']),
      handlers: {
        pretrain: async () => {
          ran = true;
        },
      },
      workerId: 'w',
      lockSeconds: 30,
    });
    expect(ran).toBe(false);
    expect(outcome).toMatchObject({ status: 'failed', retry: false });
    expect(await db.job.findUniqueOrThrow({ where: { id: job.id } })).toMatchObject({
      status: 'FAILED',
      lastError: `INVALID_JOB: job ${job.id} (pretrain) is malformed: payload.epochs: Invalid input: expected number, received string`,
    });
  });

  it('fails a job kind it has no handler for, with the reason', async () => {
    const projectId = await newProject();
    const job = await enqueueJob(db, { projectId, type: 'score' });
    const outcome = await processNextJob({
      queue: createDbJobQueue(db, ['score']),
      handlers: {},
      workerId: 'w',
      lockSeconds: 30,
    });
    expect(outcome.status).toBe('failed');
    expect((await db.job.findUniqueOrThrow({ where: { id: job.id } })).lastError).toMatch(
      /no handler for job type "score"/,
    );
  });

  it('stops a job whose lease was taken over and leaves the new owner alone', async () => {
    const projectId = await newProject();
    const job = await enqueueJob(db, { projectId, type: 'score' });
    const outcome = await processNextJob({
      queue: createDbJobQueue(db, ['score']),
      workerId: 'slow',
      lockSeconds: 1,
      handlers: {
        score: async ({ signal }) => {
          // Another worker takes the job over (as after a lapsed lease).
          await db.job.update({ where: { id: job.id }, data: { lockedBy: 'other' } });
          await new Promise<void>((done) =>
            signal.addEventListener('abort', () => done(), { once: true }),
          );
          throw signal.reason;
        },
      },
    });
    expect(outcome).toMatchObject({
      status: 'failed',
      reason: expect.stringMatching(/LOST_LEASE/),
    });
    expect(await db.job.findUniqueOrThrow({ where: { id: job.id } })).toMatchObject({
      status: 'RUNNING',
      lockedBy: 'other',
    });
  });
});
