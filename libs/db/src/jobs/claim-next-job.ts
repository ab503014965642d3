import type { ClaimedJobRow, JobKind } from '@loupe/contracts';
import type { DbOrTx } from '../client/db-types';

export interface ClaimNextJobInput {
  workerId: string;
  /** Job types this worker can run. */
  types: readonly JobKind[];
  /** The claim lapses after this long without a heartbeat (then another worker may reclaim it). */
  lockSeconds: number;
}

/**
 * Claims the oldest runnable job of the given types: QUEUED and due, or RUNNING with a lapsed lock
 * (its worker died). FOR UPDATE SKIP LOCKED, so concurrent workers never get the same job.
 * A lapsed job that has used all its attempts is marked FAILED instead of being run again.
 * The row comes back as stored: the claimer checks it with @loupe/contracts parseClaimedJob.
 */
export async function claimNextJob(
  db: DbOrTx,
  input: ClaimNextJobInput,
): Promise<ClaimedJobRow | null> {
  if (input.types.length === 0) return null;
  const types = [...input.types];
  await db.$executeRaw`
    UPDATE "Job"
    SET "status" = 'FAILED', "lockedBy" = NULL, "lockedUntil" = NULL, "updatedAt" = now(),
        "lastError" = coalesce("lastError" || ' / ', '') || 'worker ' || coalesce("lockedBy", '?') || ' stopped responding on the last attempt'
    WHERE "status" = 'RUNNING' AND "lockedUntil" < now() AND "attempts" >= "maxAttempts" AND "type" = ANY(${types}::text[])`;
  const rows = await db.$queryRaw<ClaimedJobRow[]>`
    WITH next AS (
      SELECT j."id"
      FROM "Job" AS j
      WHERE j."type" = ANY(${types}::text[])
        AND ((j."status" = 'QUEUED' AND j."runAfter" <= now())
             OR (j."status" = 'RUNNING' AND j."lockedUntil" < now()))
      ORDER BY j."runAfter" ASC, j."createdAt" ASC, j."id" ASC
      LIMIT 1
      FOR UPDATE SKIP LOCKED
    )
    UPDATE "Job" AS j
    SET "status" = 'RUNNING',
        "lockedBy" = ${input.workerId},
        "lockedUntil" = now() + make_interval(secs => ${input.lockSeconds}::double precision),
        "attempts" = j."attempts" + 1,
        "updatedAt" = now()
    FROM next
    WHERE j."id" = next."id"
    RETURNING j."id", j."projectId", j."type", j."payload", j."attempts", j."maxAttempts", j."lockedUntil"`;
  return rows[0] ?? null;
}
