import type { DbOrTx } from '../client/db-types';

export interface CompleteJobInput {
  jobId: string;
  workerId: string;
}

/** Marks the worker's running job SUCCEEDED. False: it was not this worker's (lock lost) and nothing changed. */
export async function completeJob(db: DbOrTx, input: CompleteJobInput): Promise<boolean> {
  const updated = await db.$executeRaw`
    UPDATE "Job"
    SET "status" = 'SUCCEEDED', "lockedBy" = NULL, "lockedUntil" = NULL, "updatedAt" = now()
    WHERE "id" = ${input.jobId} AND "status" = 'RUNNING' AND "lockedBy" = ${input.workerId}`;
  return updated > 0;
}
