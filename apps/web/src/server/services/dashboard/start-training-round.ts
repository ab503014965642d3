/**
 * An admin asks for a training round now: enqueues a trainer Job ("finetune", or "pretrain" for
 * MAE pretraining followed by fine-tuning) with a manual trigger. Refused while a job of the same
 * kind is already queued or running for the project, so a double click does not train twice.
 */
import type { TrainingJobKind } from '@loupe/contracts';
import { enqueueJob, type Db } from '@loupe/db';
import { AppError } from '../../errors/app-error';

export interface StartTrainingRoundInput {
  projectId: string;
  kind: TrainingJobKind;
  requestedById: string;
}

export async function startTrainingRound(
  db: Db,
  input: StartTrainingRoundInput,
): Promise<{ jobId: string }> {
  return db.$transaction(async (tx) => {
    // Serialise requests for one project so two concurrent clicks cannot both pass the check.
    const locked = await tx.$queryRaw<
      { id: string }[]
    >`SELECT id FROM "Project" WHERE id = ${input.projectId} FOR UPDATE`;
    if (locked.length === 0) throw new AppError('NOT_FOUND', 'This project does not exist.');
    const pending = await tx.job.findFirst({
      where: {
        projectId: input.projectId,
        type: input.kind,
        status: { in: ['QUEUED', 'RUNNING'] },
      },
      select: { id: true, status: true },
    });
    if (pending) {
      throw new AppError(
        'CONFLICT',
        `A ${input.kind} job is already ${pending.status.toLowerCase()} for this project.`,
        {
          jobId: pending.id,
        },
      );
    }
    const job = await enqueueJob(tx, {
      projectId: input.projectId,
      type: input.kind,
      payload: { trigger: 'manual', requestedById: input.requestedById },
    });
    return { jobId: job.id };
  });
}
