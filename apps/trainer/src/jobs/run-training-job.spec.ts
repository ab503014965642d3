import { enqueueJob, ensureStarterModel, leaseNextTask } from '@loupe/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDbJobQueue } from '../queue/create-db-job-queue';
import { processNextJob, type JobOutcome } from '../queue/process-next-job';
import { seedLabeledProject } from '../testing/seed-labeled-project';
import { createTrainerTestFixture, type TrainerTestFixture } from '../testing/trainer-test-fixture';
import { createJobHandlers } from './create-job-handlers';
import { JOB_KINDS } from '@loupe/contracts';
import { TRAINER_CONFIGS } from '../config/trainer-config';

let fixture: TrainerTestFixture;

beforeAll(async () => {
  fixture = await createTrainerTestFixture();
});
afterAll(async () => {
  await fixture?.close();
});

/** Works the queue until the given job ran (earlier promotions may have queued score jobs first). */
async function runJob(jobId: string): Promise<JobOutcome> {
  for (let i = 0; i < 10; i++) {
    const outcome = await processNextJob({
      queue: createDbJobQueue(fixture.db, JOB_KINDS),
      handlers: createJobHandlers(fixture.services),
      workerId: 'spec-worker',
      lockSeconds: 30,
    });
    if (outcome.status === 'idle' || outcome.job.id === jobId) return outcome;
  }
  throw new Error(`job ${jobId} did not run`);
}

describe('fine-tuning job', () => {
  it('trains from the active model, registers a verified candidate, gates it on the held-out set and records progress', async () => {
    const project = await seedLabeledProject(fixture, { masks: 12, unlabeled: 3 });
    const job = await enqueueJob(fixture.db, {
      projectId: project.id,
      type: 'finetune',
      payload: { trigger: 'manual' },
    });
    const outcome = await runJob(job.id);
    expect(outcome.status, outcome.status === 'failed' ? outcome.reason : '').toBe('succeeded');

    const run = await fixture.db.trainingRun.findFirstOrThrow({
      where: { projectId: project.id },
      include: { resultModelVersion: true },
    });
    expect(run).toMatchObject({
      kind: 'FINETUNE',
      status: 'SUCCEEDED',
      trigger: 'manual',
      progress: 1,
      attempts: 1,
      totalEpochs: 2,
      epoch: 2,
    });
    expect(
      (await fixture.db.job.findUniqueOrThrow({ where: { id: job.id } })).payload,
    ).toMatchObject({ trainingRunId: run.id });
    expect(run.humanMaskCount + run.valLabelCount).toBe(12);
    expect(run.valLabelCount).toBeGreaterThanOrEqual(2);
    // The round's label mix: human masks, and self-training samples from the 3 unlabeled images
    // (no weak labels in this project); pseudo-labels never count as human masks.
    expect(run).toMatchObject({ pseudoBoxCount: 0, pseudoTagCount: 0 });
    expect(run.trainLabelCount).toBe(run.humanMaskCount + run.pseudoSelfTrainingCount);
    // The round's sample is recorded: a first round (starter base) has only new masks, all used.
    expect(run).toMatchObject({ newMaskCount: run.humanMaskCount, replayMaskCount: 0 });
    expect(run.sampleSchedule).toMatchObject({
      newSince: null,
      accepted: run.humanMaskCount,
      newUsed: run.humanMaskCount,
      replayUsed: 0,
      trainedOnAll: true,
      schedule: { draw: 'stratified-by-time', fillRound: true },
    });
    const history = run.lossHistory as { step: number; loss: number; epoch: number }[];
    expect(history.length).toBe(run.totalSteps);
    expect(history.every((p) => Number.isFinite(p.loss))).toBe(true);
    expect(run.checkpointKey).toMatch(/^[0-9a-f]{2}\/[0-9a-f]{64}\.safetensors$/);
    expect(fixture.logs.some((line) => line.includes('starting from starter-checkpoint'))).toBe(
      true,
    );

    const candidate = run.resultModelVersion!;
    expect(candidate.version).toBe(2);
    expect(candidate.parentId).toBe(run.baseModelVersionId);
    expect(candidate.checkpointKey).toBeTruthy();
    for (const [key, sha] of [
      [candidate.encoderKey, candidate.encoderSha256],
      [candidate.decoderKey, candidate.decoderSha256],
      [candidate.manifestKey, candidate.manifestSha256],
    ] as const) {
      expect(await fixture.services.artifacts.verify(key!, sha!)).toBe(true);
    }

    // Both models were evaluated on the same held-out masks; the outcome follows the gate.
    type Side = { dice: number; noc90: number; objects: number; acceptanceDice: number };
    const metrics = run.metrics as {
      candidate: Side;
      active: Side;
      promoted: boolean;
      reason: string;
      gate: string;
      diceGate: { promote: boolean; reason: string };
    };
    expect(metrics.candidate.objects).toBe(metrics.active.objects);
    // The acceptance-Dice gate decided; the plain Dice gate's verdict is recorded beside it.
    expect(metrics.gate).toBe('acceptance-dice');
    const better = (a: number, b: number) => Math.round(a * 1e4) - Math.round(b * 1e4);
    const margin = better(metrics.candidate.acceptanceDice, metrics.active.acceptanceDice);
    const shouldPromote =
      margin > 0 || (margin === 0 && metrics.candidate.noc90 < metrics.active.noc90);
    expect(metrics.promoted).toBe(shouldPromote);
    expect(metrics.diceGate.promote).toBe(
      metrics.candidate.dice >= metrics.active.dice &&
        metrics.candidate.noc90 - metrics.active.noc90 <= 0.5,
    );
    const projectRow = await fixture.db.project.findUniqueOrThrow({ where: { id: project.id } });
    const scoreJobs = await fixture.db.job.count({
      where: { projectId: project.id, type: 'score' },
    });
    if (shouldPromote) {
      expect(projectRow.activeModelVersionId).toBe(candidate.id);
      expect(scoreJobs).toBe(1);
    } else {
      expect(projectRow.activeModelVersionId).toBe(run.baseModelVersionId);
      const kept = await fixture.db.modelVersion.findUniqueOrThrow({ where: { id: candidate.id } });
      expect(kept.status).toBe('CANDIDATE');
      expect(kept.statusReason).toBe(metrics.reason);
      expect(scoreJobs).toBe(0);
    }
    expect(
      (await fixture.db.modelVersion.findUniqueOrThrow({ where: { id: candidate.id } })).valDice,
    ).toBeCloseTo(metrics.candidate.dice, 6);
  });

  it("trains on 'absent' tags as empty masks, counted as tag pseudo-labels, never as human masks", async () => {
    const project = await seedLabeledProject(fixture, { masks: 8, unlabeled: 2 });
    for (const { imageId, taskId } of project.unlabeled)
      await fixture.db.weakLabel.create({
        data: {
          projectId: project.id,
          imageId,
          taskId,
          kind: 'IMAGE_TAG',
          tag: 'absent',
          createdById: project.userId,
        },
      });
    const job = await enqueueJob(fixture.db, {
      projectId: project.id,
      type: 'finetune',
      payload: { trigger: 'manual' },
    });
    const outcome = await runJob(job.id);
    expect(outcome.status, outcome.status === 'failed' ? outcome.reason : '').toBe('succeeded');
    const run = await fixture.db.trainingRun.findFirstOrThrow({ where: { projectId: project.id } });
    // Tagged images may have been drawn into the validation split; those are never trained on.
    const trainTagged = await fixture.db.image.count({
      where: {
        id: { in: project.unlabeled.map((u) => u.imageId) },
        OR: [{ split: null }, { split: 'TRAIN' }],
      },
    });
    expect(run.pseudoTagCount).toBe(trainTagged);
    expect(run.humanMaskCount + run.valLabelCount).toBe(8);
    expect(run.trainLabelCount).toBe(run.humanMaskCount + trainTagged);
    expect(await fixture.db.annotation.count({ where: { projectId: project.id } })).toBe(8);
  });

  /** A labelled project whose unlabeled images carry a box each, trained once under a bar no
   * model reaches (every box rule check fails), with `untrustedBoxes` as the trainer config's. */
  async function runWithUntrustedBoxes(untrustedBoxes: 'wait' | 'box-supervised') {
    const project = await seedLabeledProject(fixture, { masks: 8, unlabeled: 3 });
    for (const { imageId, taskId } of project.unlabeled)
      await fixture.db.weakLabel.create({
        data: {
          projectId: project.id,
          imageId,
          taskId,
          kind: 'BOX',
          boxX0: 4,
          boxY0: 4,
          boxX1: 30,
          boxY1: 30,
          createdById: project.userId,
        },
      });
    const tiny = TRAINER_CONFIGS.tiny;
    const saved = { boxRule: tiny.boxRule, untrustedBoxes: tiny.untrustedBoxes };
    tiny.boxRule = { minDice: 1.01, minMasks: 1 };
    tiny.untrustedBoxes = untrustedBoxes;
    try {
      const job = await enqueueJob(fixture.db, {
        projectId: project.id,
        type: 'finetune',
        payload: { trigger: 'manual' },
      });
      const outcome = await runJob(job.id);
      expect(outcome.status, outcome.status === 'failed' ? outcome.reason : '').toBe('succeeded');
    } finally {
      Object.assign(tiny, saved);
    }
    const run = await fixture.db.trainingRun.findFirstOrThrow({ where: { projectId: project.id } });
    const trainBoxed = await fixture.db.image.count({
      where: {
        id: { in: project.unlabeled.map((u) => u.imageId) },
        OR: [{ split: null }, { split: 'TRAIN' }],
      },
    });
    expect(trainBoxed).toBeGreaterThan(0);
    expect(run.pseudoBoxCheck).toMatchObject({
      masks: run.valLabelCount,
      minDice: 1.01,
      trusted: false,
    });
    return { project, run, trainBoxed };
  }

  it('lets boxes wait when the active model fails the box rule check, and records why', async () => {
    const { run, trainBoxed } = await runWithUntrustedBoxes('wait');
    expect(run.pseudoBoxCount).toBe(0);
    expect(run.pseudoBoxWaiting).toBe(trainBoxed);
    expect(run.pseudoBoxSupervised).toBe(0);
    expect(run.trainLabelCount).toBe(run.humanMaskCount);
  });

  it('trains untrusted boxes as boxes (box-supervised) and makes no pseudo-mask of them', async () => {
    const { project, run, trainBoxed } = await runWithUntrustedBoxes('box-supervised');
    expect(run.pseudoBoxCount).toBe(trainBoxed);
    expect(run.pseudoBoxSupervised).toBe(trainBoxed);
    expect(run.pseudoBoxWaiting).toBe(0);
    expect(run.trainLabelCount).toBe(run.humanMaskCount + trainBoxed);
    const labels = await fixture.db.weakLabel.findMany({ where: { projectId: project.id } });
    expect(labels.every((l) => l.pseudoMaskRle === null && l.pseudoModelVersionId === null)).toBe(
      true,
    );
  });

  it('runs MAE pretraining on the unlabeled pool, then fine-tunes and gates like a round', async () => {
    const project = await seedLabeledProject(fixture, { masks: 8, unlabeled: 6, seed: 9 });
    const job = await enqueueJob(fixture.db, {
      projectId: project.id,
      type: 'pretrain',
      payload: { trigger: 'manual', epochs: 1 },
    });
    const outcome = await runJob(job.id);
    expect(outcome.status, outcome.status === 'failed' ? outcome.reason : '').toBe('succeeded');
    const run = await fixture.db.trainingRun.findFirstOrThrow({ where: { projectId: project.id } });
    expect(run).toMatchObject({ kind: 'MAE_PRETRAIN', status: 'SUCCEEDED' });
    // The unlabeled pool pretrains the encoder, and (the tiny config's self-training policy: at
    // least 2 human masks) the active model's confident predictions on it train as low-weight
    // self-training samples; the gate still scores on held-out human masks only.
    expect(run.imageCount).toBe(run.humanMaskCount + 6);
    expect(run.pseudoSelfTrainingCount).toBeGreaterThan(0);
    expect(run.trainLabelCount).toBe(run.humanMaskCount + run.pseudoSelfTrainingCount);
    expect(run.humanMaskCount + run.valLabelCount).toBe(8);
    expect(
      await fixture.db.weakLabel.count({
        where: { projectId: project.id, kind: 'SELF_TRAINING', pseudoSource: 'SELF_TRAINING' },
      }),
    ).toBeGreaterThanOrEqual(run.pseudoSelfTrainingCount);
    expect(run.resultModelVersionId).toBeTruthy();
    expect((run.metrics as { promoted: boolean }).promoted).toEqual(expect.any(Boolean));
  });

  it('scores unlabeled images after a promotion and the queue serves the most informative first', async () => {
    const project = await seedLabeledProject(fixture, { masks: 0, unlabeled: 6, seed: 5 });
    await ensureStarterModel(
      fixture.db,
      fixture.services.artifacts,
      project.id,
      fixture.env.STARTER_MODEL_DIR,
    );
    const job = await enqueueJob(fixture.db, { projectId: project.id, type: 'score' });
    const outcome = await runJob(job.id);
    expect(outcome.status, outcome.status === 'failed' ? outcome.reason : '').toBe('succeeded');
    const scores = await fixture.db.activeLearningScore.findMany({
      where: { projectId: project.id },
    });
    expect(scores).toHaveLength(6);
    for (const score of scores) {
      expect(score.score).toBeGreaterThanOrEqual(0);
      expect(score.score).toBeLessThanOrEqual(1);
      expect(score.score).toBeCloseTo(
        (1 - score.iouConfidence + score.multimaskDisagreement + score.thresholdInstability) / 3,
        6,
      );
    }
    const tasks = await fixture.db.task.findMany({
      where: { projectId: project.id },
      select: { id: true, imageId: true, priority: true },
    });
    for (const task of tasks)
      expect(task.priority).toBeCloseTo(scores.find((s) => s.imageId === task.imageId)!.score, 6);
    const top = [...tasks].sort((a, b) => b.priority - a.priority)[0]!;
    const leased = await leaseNextTask(fixture.db, {
      projectId: project.id,
      userId: project.userId,
      leaseSeconds: 60,
    });
    expect(leased?.id).toBe(top.id);
  });
});
