import { enqueueJob, type Db } from '@loupe/db';
import type { TestDatabase } from '@loupe/db/testing';
import { createSpecDatabase } from '../testing/create-spec-database';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

async function newProject(): Promise<string> {
  const project = await db.project.create({
    data: { slug: `p-${Math.random().toString(36).slice(2)}`, name: 'p' },
  });
  return project.id;
}

describe('processNextJob', () => {
  it('never gives one job to two workers', async () => {
    const projectId = await newProject();
    const types = ['unit-a'];
    for (let i = 0; i < 4; i++) await enqueueJob(db, { projectId, type: 'unit-a', payload: { i } });
    const seen: string[] = [];
    const handlers: JobHandlers = {
      'unit-a': async ({ job }) => {
        seen.push(job.id);
        await new Promise((done) => setTimeout(done, 30));
      },
    };
    const worker = (id: string) =>
      processNextJob({
        queue: createDbJobQueue(db, types),
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
    const types = ['unit-b'];
    const transient = await enqueueJob(db, {
      projectId,
      type: 'unit-b',
      payload: { kind: 'transient' },
    });
    const permanent = await enqueueJob(db, {
      projectId,
      type: 'unit-b',
      payload: { kind: 'permanent' },
      runAfter: new Date(Date.now() + 1),
    });
    const healthy = await enqueueJob(db, {
      projectId,
      type: 'unit-b',
      payload: { kind: 'ok' },
      runAfter: new Date(Date.now() + 2),
    });
    await new Promise((done) => setTimeout(done, 10));
    const handlers: JobHandlers = {
      'unit-b': async ({ job }) => {
        const kind = (job.payload as { kind: string }).kind;
        if (kind === 'transient') throw new Error('database hiccup');
        if (kind === 'permanent')
          throw new TrainerError('CORRUPT_IMAGE', 'image x: pixels could not be decoded');
      },
    };
    const queue = createDbJobQueue(db, types);
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

  it('fails a job type it has no handler for, with the reason', async () => {
    const projectId = await newProject();
    const job = await enqueueJob(db, { projectId, type: 'unit-c' });
    const outcome = await processNextJob({
      queue: createDbJobQueue(db, ['unit-c']),
      handlers: {},
      workerId: 'w',
      lockSeconds: 30,
    });
    expect(outcome.status).toBe('failed');
    expect((await db.job.findUniqueOrThrow({ where: { id: job.id } })).lastError).toMatch(
      /no handler for job type "unit-c"/,
    );
  });

  it('stops a job whose lease was taken over and leaves the new owner alone', async () => {
    const projectId = await newProject();
    const job = await enqueueJob(db, { projectId, type: 'unit-d' });
    const outcome = await processNextJob({
      queue: createDbJobQueue(db, ['unit-d']),
      workerId: 'slow',
      lockSeconds: 1,
      handlers: {
        'unit-d': async ({ signal }) => {
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
