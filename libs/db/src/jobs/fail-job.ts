import type { DbOrTx } from '../client/db-types';

export interface FailJobInput {
  jobId: string;
  workerId: string;
  /** One line saying why; kept in Job.lastError. */
  error: string;
  /** Retry when attempts remain (default true); false fails it for good. */
  retry?: boolean;
  /** Delay before the retry (default 5 s x 2^(attempts-1)). */
  retryDelaySeconds?: number;
}

/**
 * Records a failed attempt: back to QUEUED (after a backoff) while attempts remain and retry is
 * allowed, else FAILED. Returns the status written, or null when the worker no longer held the job.
 */
export async function failJob(
  db: DbOrTx,
  input: FailJobInput,
): Promise<'QUEUED' | 'FAILED' | null> {
  const retry = input.retry ?? true;
  const rows = await db.$queryRaw<{ status: 'QUEUED' | 'FAILED' }[]>`
    UPDATE "Job"
    SET "status" = CASE WHEN ${retry} AND "attempts" < "maxAttempts" THEN 'QUEUED'::"JobStatus" ELSE 'FAILED'::"JobStatus" END,
        "runAfter" = CASE WHEN ${retry} AND "attempts" < "maxAttempts"
          THEN now() + make_interval(secs => coalesce(${input.retryDelaySeconds ?? null}::double precision, 5 * power(2, greatest("attempts" - 1, 0))))
          ELSE "runAfter" END,
        "lastError" = ${input.error},
        "lockedBy" = NULL,
        "lockedUntil" = NULL,
        "updatedAt" = now()
    WHERE "id" = ${input.jobId} AND "status" = 'RUNNING' AND "lockedBy" = ${input.workerId}
    RETURNING "status"::text AS "status"`;
  return rows[0]?.status ?? null;
}
