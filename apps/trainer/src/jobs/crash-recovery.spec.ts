/**
 * A trainer process killed with SIGKILL in the middle of a fine-tuning run leaves nothing
 * half-done visible: the active model is unchanged and every registered file verifies. A second
 * trainer process reclaims the job once its lease lapses and resumes the run from its last
 * checkpoint (not from scratch) to completion.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { enqueueJob, ensureStarterModel } from '@loupe/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedLabeledProject } from '../testing/seed-labeled-project';
import { createTrainerTestFixture, type TrainerTestFixture } from '../testing/trainer-test-fixture';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

let fixture: TrainerTestFixture;
const children: ChildProcess[] = [];

beforeAll(async () => {
  fixture = await createTrainerTestFixture();
});
afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await fixture?.close();
});

function startWorker(name: string): { child: ChildProcess; output: string[] } {
  const output: string[] = [];
  // `node --import tsx` runs the worker in this very process (the tsx CLI would fork a child that
  // a SIGKILL of the parent leaves running).
  const child = spawn(process.execPath, ['--import', 'tsx', 'apps/trainer/src/main.ts'], {
    cwd: repoRoot,
    env: {
      PATH: process.env['PATH'],
      DATABASE_URL: fixture.env.DATABASE_URL,
      DATA_DIR: fixture.env.DATA_DIR,
      ARTIFACT_DIR: fixture.env.ARTIFACT_DIR,
      BLOB_DIR: fixture.env.BLOB_DIR,
      STARTER_MODEL_DIR: fixture.env.STARTER_MODEL_DIR,
      TRAINER_CONFIG: 'tiny',
      TRAINER_WORKER_ID: name,
      TRAINER_LOCK_SECONDS: '3',
      TRAINER_POLL_INTERVAL_MS: '200',
      TRAINER_PROGRESS_INTERVAL_MS: '100',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  children.push(child);
  return { child, output };
}

async function waitFor<T>(
  what: string,
  probe: () => Promise<T | null | undefined | false>,
  timeoutMs: number,
  output: string[],
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value) return value;
    await new Promise((done) => setTimeout(done, 50));
  }
  throw new Error(`timed out waiting for ${what}; worker output:\n${output.join('')}`);
}

describe('crash safety', () => {
  it('survives SIGKILL mid-run: nothing half-written becomes active, and the run resumes from its checkpoint', async () => {
    const project = await seedLabeledProject(fixture, {
      masks: 14,
      seed: 41,
      project: { finetuneEpochs: 8 },
    });
    const starter = await ensureStarterModel(
      fixture.db,
      fixture.services.artifacts,
      project.id,
      fixture.env.STARTER_MODEL_DIR,
    );
    const job = await enqueueJob(fixture.db, {
      projectId: project.id,
      type: 'finetune',
      payload: { trigger: 'manual' },
    });

    const first = startWorker('doomed-worker');
    const checkpointed = await waitFor(
      'the first epoch checkpoint',
      () =>
        fixture.db.trainingRun.findFirst({
          where: { projectId: project.id, checkpointKey: { not: null }, status: 'RUNNING' },
        }),
      90_000,
      first.output,
    );
    first.child.kill('SIGKILL');
    await new Promise((done) => first.child.once('exit', done));

    // Killed mid-run: the starter is still the only active model, no candidate exists, and every
    // stored version's files verify.
    const afterKill = await fixture.db.trainingRun.findUniqueOrThrow({
      where: { id: checkpointed.id },
    });
    expect(afterKill.status).toBe('RUNNING');
    expect(afterKill.epoch).toBeGreaterThanOrEqual(1);
    expect(afterKill.epoch).toBeLessThan(8);
    expect(
      (await fixture.db.project.findUniqueOrThrow({ where: { id: project.id } }))
        .activeModelVersionId,
    ).toBe(starter.id);
    expect(await fixture.db.modelVersion.count({ where: { projectId: project.id } })).toBe(1);
    expect(
      await fixture.services.artifacts.verify(
        afterKill.checkpointKey!,
        afterKill.checkpointKey!.split('/')[1]!.slice(0, 64),
      ),
    ).toBe(true);
    expect((await fixture.db.job.findUniqueOrThrow({ where: { id: job.id } })).lockedBy).toBe(
      'doomed-worker',
    );

    const second = startWorker('rescue-worker');
    const done = await waitFor(
      'the resumed job to finish',
      async () => {
        const row = await fixture.db.job.findUniqueOrThrow({ where: { id: job.id } });
        return row.status === 'SUCCEEDED' || row.status === 'FAILED' ? row : null;
      },
      120_000,
      second.output,
    );
    second.child.kill('SIGTERM');
    expect(done.status, second.output.join('')).toBe('SUCCEEDED');
    expect(done.attempts).toBe(2);
    const run = await fixture.db.trainingRun.findUniqueOrThrow({ where: { id: checkpointed.id } });
    expect(run).toMatchObject({ status: 'SUCCEEDED', attempts: 2, epoch: 8 });
    expect(run.resultModelVersionId).toBeTruthy();
    const log = second.output.join('');
    expect(log).toMatch(/starting from run-checkpoint \(epoch [1-7]\/8 done\)/);
    // The loss history carries on from the checkpointed step rather than starting again.
    const steps = (run.lossHistory as { step: number }[]).map((p) => p.step);
    expect(steps).toEqual([...steps].sort((a, b) => a - b));
    expect(new Set(steps).size).toBe(steps.length);
    expect(steps.at(-1)).toBe(run.totalSteps);
  }, 240_000);
});
