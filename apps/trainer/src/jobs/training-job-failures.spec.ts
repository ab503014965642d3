/**
 * Bad input never takes the worker down or touches the active model: a corrupt image, a mask that
 * does not match its image, a diverging run (NaN loss) and a full disk each fail their job with a
 * recorded reason, and the same worker then runs the next job.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, statfs, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  enqueueJob,
  ensureStarterModel,
  promoteModelVersion,
  registerModelVersion,
} from '@loupe/db';
import { decodeSafetensors, encodeSafetensors } from '@loupe/model/node';
import { encodeMaskBytes } from '@loupe/prompts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDbJobQueue } from '../queue/create-db-job-queue';
import { processNextJob } from '../queue/process-next-job';
import { seedLabeledProject } from '../testing/seed-labeled-project';
import { createTrainerTestFixture, type TrainerTestFixture } from '../testing/trainer-test-fixture';
import { createJobHandlers } from './create-job-handlers';
import { JOB_KINDS } from '@loupe/contracts';

let fixture: TrainerTestFixture;

beforeAll(async () => {
  fixture = await createTrainerTestFixture();
});
afterAll(async () => {
  await fixture?.close();
});

function work(target: TrainerTestFixture = fixture) {
  return processNextJob({
    queue: createDbJobQueue(target.db, JOB_KINDS),
    handlers: createJobHandlers(target.services),
    workerId: 'spec-worker',
    lockSeconds: 30,
  });
}

async function expectFailedCleanly(
  target: TrainerTestFixture,
  projectId: string,
  jobId: string,
  code: string,
  activeBefore: string,
) {
  const job = await target.db.job.findUniqueOrThrow({ where: { id: jobId } });
  expect(job.status).toBe('FAILED');
  expect(job.lastError).toMatch(new RegExp(`^${code}: `));
  const run = await target.db.trainingRun.findFirstOrThrow({ where: { projectId } });
  expect(run.status).toBe('FAILED');
  expect(run.error).toMatch(new RegExp(`^${code}: `));
  const project = await target.db.project.findUniqueOrThrow({ where: { id: projectId } });
  expect(project.activeModelVersionId).toBe(activeBefore);
  expect(await target.db.modelVersion.count({ where: { projectId, status: 'ACTIVE' } })).toBe(1);
}

describe('training job failures', () => {
  it('fails on a corrupt image, a mismatched mask and a NaN loss, and the worker goes on', async () => {
    // Corrupt image: an accepted image's pixels are not an image.
    const corrupt = await seedLabeledProject(fixture, { masks: 6, seed: 31 });
    const junk = await fixture.services.blobs.put(
      new TextEncoder().encode('\x89PNG but not really'),
      { ext: '.png' },
    );
    await fixture.db.image.update({
      where: { id: corrupt.labeled[2]!.imageId },
      data: { pixelsKey: junk.key },
    });
    const corruptActive = await ensureStarterModel(
      fixture.db,
      fixture.services.artifacts,
      corrupt.id,
      fixture.env.STARTER_MODEL_DIR,
    );

    // Mask that does not match its image.
    const mismatch = await seedLabeledProject(fixture, { masks: 6, seed: 32 });
    await fixture.db.annotation.updateMany({
      where: { taskId: mismatch.labeled[1]!.taskId },
      data: {
        finalRle: encodeMaskBytes({
          width: 9,
          height: 9,
          data: new Uint8Array(81).fill(1),
        }) as Uint8Array<ArrayBuffer>,
      },
    });
    const mismatchActive = await ensureStarterModel(
      fixture.db,
      fixture.services.artifacts,
      mismatch.id,
      fixture.env.STARTER_MODEL_DIR,
    );

    // Diverging run: the active model's weights are NaN, so the first loss is NaN.
    const diverging = await seedLabeledProject(fixture, { masks: 6, seed: 33 });
    await ensureStarterModel(
      fixture.db,
      fixture.services.artifacts,
      diverging.id,
      fixture.env.STARTER_MODEL_DIR,
    );
    const { tensors, metadata } = decodeSafetensors(
      new Uint8Array(await readFile(join(fixture.env.STARTER_MODEL_DIR, 'checkpoint.safetensors'))),
    );
    for (const tensor of tensors.values()) tensor.data.fill(Number.NaN);
    const nanCheckpoint = join(fixture.root, 'nan.safetensors');
    await writeFile(nanCheckpoint, encodeSafetensors(tensors, metadata));
    const poisoned = await registerModelVersion(fixture.db, fixture.services.artifacts, {
      projectId: diverging.id,
      dir: fixture.env.STARTER_MODEL_DIR,
      status: 'CANDIDATE',
      configName: 'tiny',
      checkpointPath: nanCheckpoint,
    });
    await promoteModelVersion(fixture.db, poisoned.id);

    // A healthy job queued last.
    const healthy = await seedLabeledProject(fixture, { masks: 0, unlabeled: 2, seed: 34 });
    await ensureStarterModel(
      fixture.db,
      fixture.services.artifacts,
      healthy.id,
      fixture.env.STARTER_MODEL_DIR,
    );

    const jobs = [];
    for (const [projectId, type] of [
      [corrupt.id, 'finetune'],
      [mismatch.id, 'finetune'],
      [diverging.id, 'finetune'],
      [healthy.id, 'score'],
    ] as const) {
      jobs.push(
        await enqueueJob(
          fixture.db,
          type === 'finetune'
            ? { projectId, type, payload: { trigger: 'manual' } }
            : { projectId, type },
        ),
      );
      await new Promise((done) => setTimeout(done, 5)); // keep the queue order
    }
    const outcomes = [];
    for (let i = 0; i < 4; i++) outcomes.push(await work());
    expect(outcomes.map((o) => o.status)).toEqual(['failed', 'failed', 'failed', 'succeeded']);
    // Permanent errors: no retry burns attempts.
    expect(outcomes.slice(0, 3).every((o) => o.status === 'failed' && !o.retry)).toBe(true);

    await expectFailedCleanly(fixture, corrupt.id, jobs[0]!.id, 'CORRUPT_IMAGE', corruptActive.id);
    expect(
      (await fixture.db.job.findUniqueOrThrow({ where: { id: jobs[0]!.id } })).lastError,
    ).toContain(corrupt.labeled[2]!.imageId);
    await expectFailedCleanly(
      fixture,
      mismatch.id,
      jobs[1]!.id,
      'MASK_MISMATCH',
      mismatchActive.id,
    );
    await expectFailedCleanly(fixture, diverging.id, jobs[2]!.id, 'NON_FINITE_LOSS', poisoned.id);
    expect(await fixture.db.modelVersion.count({ where: { projectId: diverging.id } })).toBe(2); // starter + poisoned, no new one
  });

  it('fails with DISK_FULL when the artifact store runs out of space, leaving no partial artifact', async (context) => {
    const artifactDir = await mkdtemp(join(tmpdir(), 'loupe-full-'));
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', artifactDir], {
        stdio: 'ignore',
      });
    } catch {
      console.log('skipping the ENOSPC test: cannot mount a small tmpfs here (needs root)');
      await rm(artifactDir, { recursive: true, force: true });
      context.skip();
      return;
    }
    const full = await createTrainerTestFixture({ env: { ARTIFACT_DIR: artifactDir } });
    try {
      const project = await seedLabeledProject(full, { masks: 6, seed: 35 });
      const active = await ensureStarterModel(
        full.db,
        full.services.artifacts,
        project.id,
        full.env.STARTER_MODEL_DIR,
      );
      // Fill the disk, leaving less than one checkpoint's worth.
      const free = await statfs(artifactDir);
      await writeFile(
        join(artifactDir, 'filler'),
        new Uint8Array(Math.max(0, free.bavail * free.bsize - 8 * 1024)),
      );
      const job = await enqueueJob(full.db, {
        projectId: project.id,
        type: 'finetune',
        payload: { trigger: 'manual' },
        maxAttempts: 1,
      });
      const outcome = await work(full);
      expect(outcome.status).toBe('failed');
      await expectFailedCleanly(full, project.id, job.id, 'DISK_FULL', active.id);
      expect(await readdir(join(artifactDir, '.tmp'))).toEqual([]);
    } finally {
      await full.close();
      execFileSync('umount', [artifactDir]);
      await rm(artifactDir, { recursive: true, force: true });
    }
  });
});
