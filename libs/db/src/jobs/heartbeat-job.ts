import type { DbOrTx } from '../client/db-types';

export interface HeartbeatJobInput {
  jobId: string;
  workerId: string;
  lockSeconds: number;
}

/** Extends the worker's lock on a running job. False: this worker no longer holds it (stop work). */
export async function heartbeatJob(db: DbOrTx, input: HeartbeatJobInput): Promise<boolean> {
  const updated = await db.$executeRaw`
    UPDATE "Job"
    SET "lockedUntil" = now() + make_interval(secs => ${input.lockSeconds}::double precision), "updatedAt" = now()
    WHERE "id" = ${input.jobId} AND "status" = 'RUNNING' AND "lockedBy" = ${input.workerId}`;
  return updated > 0;
}
