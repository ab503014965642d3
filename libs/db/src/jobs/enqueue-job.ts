import type { DbOrTx } from '../client/db-types';
import type { Job, Prisma } from '../generated/prisma/client';

export interface EnqueueJobInput {
  projectId: string | null;
  /** "pretrain" | "finetune" | "evaluate" | "score" ... */
  type: string;
  payload?: Prisma.InputJsonValue;
  /** Not before this time (default now). */
  runAfter?: Date;
  maxAttempts?: number;
}

/** Adds a QUEUED job for the trainer. */
export function enqueueJob(db: DbOrTx, input: EnqueueJobInput): Promise<Job> {
  return db.job.create({
    data: {
      projectId: input.projectId,
      type: input.type,
      payload: input.payload ?? {},
      runAfter: input.runAfter ?? new Date(),
      maxAttempts: input.maxAttempts ?? 3,
    },
  });
}
