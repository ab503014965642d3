/**
 * Starts (or, on a retry, resumes) the TrainingRun behind a training job. The run's id is written
 * into the job's payload on the first attempt, so the next worker to claim the job after a crash
 * finds the same run with its last checkpoint.
 */
import type { ClaimedJob, TrainingJobPayload } from '@loupe/contracts';
import type { Db } from '@loupe/db';
import { TrainerError } from '../errors';

export interface BegunRun {
  id: string;
  /** Epochs finished by earlier attempts (a checkpoint exists for them). */
  epochsDone: number;
  step: number;
  checkpointKey: string | null;
  /** Candidate already registered by an earlier attempt (crash after registration). */
  resultModelVersionId: string | null;
  lossHistory: unknown;
  attempts: number;
  resumed: boolean;
}

export async function beginTrainingRun(
  db: Db,
  job: Pick<ClaimedJob, 'id'>,
  payload: TrainingJobPayload,
  kind: 'FINETUNE' | 'MAE_PRETRAIN',
  projectId: string,
  totalEpochs: number,
): Promise<BegunRun> {
  const now = new Date();
  if (payload.trainingRunId) {
    const existing = await db.trainingRun.findUnique({
      where: { id: payload.trainingRunId },
      select: {
        id: true,
        projectId: true,
        status: true,
        epoch: true,
        step: true,
        checkpointKey: true,
        resultModelVersionId: true,
        lossHistory: true,
        attempts: true,
      },
    });
    if (
      existing &&
      existing.projectId === projectId &&
      existing.status !== 'SUCCEEDED' &&
      existing.status !== 'CANCELLED'
    ) {
      const run = await db.trainingRun.update({
        where: { id: existing.id },
        data: {
          status: 'RUNNING',
          attempts: { increment: 1 },
          heartbeatAt: now,
          error: null,
          totalEpochs,
          finishedAt: null,
        },
        select: { attempts: true },
      });
      return {
        id: existing.id,
        epochsDone: existing.checkpointKey ? existing.epoch : 0,
        step: existing.checkpointKey ? existing.step : 0,
        checkpointKey: existing.checkpointKey,
        resultModelVersionId: existing.resultModelVersionId,
        lossHistory: existing.lossHistory,
        attempts: run.attempts,
        resumed: true,
      };
    }
    if (existing?.status === 'SUCCEEDED')
      throw new TrainerError('INVALID_JOB', `training run ${existing.id} already succeeded`);
  }
  const run = await db.trainingRun.create({
    data: {
      projectId,
      kind,
      status: 'RUNNING',
      trigger: payload.trigger,
      requestedById: payload.requestedById ?? null,
      totalEpochs,
      attempts: 1,
      startedAt: now,
      heartbeatAt: now,
    },
    select: { id: true },
  });
  await db.job.update({
    where: { id: job.id },
    data: { payload: { ...payload, trainingRunId: run.id } },
  });
  return {
    id: run.id,
    epochsDone: 0,
    step: 0,
    checkpointKey: null,
    resultModelVersionId: null,
    lossHistory: [],
    attempts: 1,
    resumed: false,
  };
}
