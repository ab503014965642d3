import type { Db } from '@loupe/db';
import type { TestDatabase } from '@loupe/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSpecDatabase } from '../testing/create-spec-database';
import { reconcileOrphanedRuns } from './reconcile-orphaned-runs';

let database: TestDatabase;
let db: Db;

beforeAll(async () => {
  database = await createSpecDatabase({ poolSize: 2 });
  db = database.db;
});
afterAll(async () => {
  await database?.close();
});

describe('reconcileOrphanedRuns', () => {
  it('fails the run of a job the queue gave up on, and leaves live runs alone', async () => {
    const project = await db.project.create({ data: { slug: 'orphans', name: 'o' } });
    const orphan = await db.trainingRun.create({
      data: { projectId: project.id, kind: 'FINETUNE', status: 'RUNNING' },
    });
    const live = await db.trainingRun.create({
      data: { projectId: project.id, kind: 'FINETUNE', status: 'RUNNING' },
    });
    await db.job.create({
      data: {
        projectId: project.id,
        type: 'finetune',
        status: 'FAILED',
        payload: { trainingRunId: orphan.id },
        lastError: 'worker w1 stopped responding on the last attempt',
      },
    });
    await db.job.create({
      data: {
        projectId: project.id,
        type: 'finetune',
        status: 'RUNNING',
        payload: { trainingRunId: live.id },
      },
    });

    expect(await reconcileOrphanedRuns(db)).toEqual([orphan.id]);
    expect(await db.trainingRun.findUniqueOrThrow({ where: { id: orphan.id } })).toMatchObject({
      status: 'FAILED',
      error: 'worker w1 stopped responding on the last attempt',
    });
    expect((await db.trainingRun.findUniqueOrThrow({ where: { id: live.id } })).status).toBe(
      'RUNNING',
    );
    expect(await reconcileOrphanedRuns(db)).toEqual([]);
  });

  it('fails a run no job refers to once its heartbeat is stale', async () => {
    const project = await db.project.create({ data: { slug: 'abandoned', name: 'a' } });
    const run = await db.trainingRun.create({
      data: {
        projectId: project.id,
        kind: 'FINETUNE',
        status: 'RUNNING',
        heartbeatAt: new Date('2026-01-01T00:00:00Z'),
      },
    });
    expect(await reconcileOrphanedRuns(db, { now: new Date('2026-01-01T00:10:00Z') })).toEqual([]);
    expect(await reconcileOrphanedRuns(db, { now: new Date('2026-01-01T00:20:00Z') })).toEqual([
      run.id,
    ]);
    expect((await db.trainingRun.findUniqueOrThrow({ where: { id: run.id } })).error).toMatch(
      /^abandoned/,
    );
  });
});
