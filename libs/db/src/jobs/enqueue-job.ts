import { parseJobRequest, type JobRequest } from '@loupe/contracts';
import type { DbOrTx } from '../client/db-types';
import type { Job, Prisma } from '../generated/prisma/client';

/** A job of one kind with its payload (@loupe/contracts JobRequest), and when to run it. */
export type EnqueueJobInput = JobRequest & {
  projectId: string | null;
  /** Not before this time (default now). */
  runAfter?: Date;
  maxAttempts?: number;
};

/** Adds a QUEUED job for the trainer; a payload that does not fit its kind is refused here. */
export async function enqueueJob(db: DbOrTx, input: EnqueueJobInput): Promise<Job> {
  const request = parseJobRequest({ type: input.type, payload: input.payload });
  return db.job.create({
    data: {
      projectId: input.projectId,
      type: request.type,
      payload: request.payload as Prisma.InputJsonValue,
      runAfter: input.runAfter ?? new Date(),
      maxAttempts: input.maxAttempts ?? 3,
    },
  });
}
