import { TRAINING_JOB_KINDS, type ClaimedJobRow, type JobKind } from '@loupe/contracts';
import type { Db } from '../client/create-db';
import { Prisma } from '../generated/prisma/client';

export interface ClaimNextJobInput {
  workerId: string;
  /** Job types this worker can run. */
  types: readonly JobKind[];
  /** The claim lapses after this long without a heartbeat (then another worker may reclaim it). */
  lockSeconds: number;
}

const TRAINING_KINDS: string[] = [...TRAINING_JOB_KINDS];

/**
 * True where job `j` is a training job of a project that another training job is running in: one
 * with a live lease, or, when `j` is still queued, one whose lease lapsed (that job is reclaimed
 * first, so the old worker's late heartbeat can never keep a second round of the project going).
 */
const projectAlreadyTraining = Prisma.sql`(
  j."type" = ANY(${TRAINING_KINDS}::text[]) AND j."projectId" IS NOT NULL AND EXISTS (
    SELECT 1 FROM "Job" AS r
    WHERE r."projectId" = j."projectId" AND r."id" <> j."id"
      AND r."type" = ANY(${TRAINING_KINDS}::text[]) AND r."status" = 'RUNNING'
      AND (r."lockedUntil" >= now() OR (j."status" = 'QUEUED' AND r."lockedUntil" < now()))))`;

/**
 * Claims the oldest runnable job of the given types: QUEUED and due, or RUNNING with a lapsed lock
 * (its worker died). FOR UPDATE SKIP LOCKED, so concurrent workers never get the same job.
 * A lapsed job that has used all its attempts is marked FAILED instead of being run again.
 * A project runs one training job (fine-tuning or pretraining) at a time: a training job of a
 * project that is training already is skipped, and the claimer moves on to other projects' jobs.
 * The row comes back as stored: the claimer checks it with @loupe/contracts parseClaimedJob.
 */
export async function claimNextJob(
  db: Db,
  input: ClaimNextJobInput,
): Promise<ClaimedJobRow | null> {
  if (input.types.length === 0) return null;
  const types = [...input.types];
  return db.$transaction(async (tx) => {
    await tx.$executeRaw`
      UPDATE "Job"
      SET "status" = 'FAILED', "lockedBy" = NULL, "lockedUntil" = NULL, "updatedAt" = now(),
          "lastError" = coalesce("lastError" || ' / ', '') || 'worker ' || coalesce("lockedBy", '?') || ' stopped responding on the last attempt'
      WHERE "status" = 'RUNNING' AND "lockedUntil" < now() AND "attempts" >= "maxAttempts" AND "type" = ANY(${types}::text[])`;
    // Projects this claim passed over: another claimer holds their training lock, or they train.
    const passedOver: string[] = [];
    for (;;) {
      const [next] = await tx.$queryRaw<{ id: string; projectId: string | null; type: string }[]>`
        SELECT j."id", j."projectId", j."type"
        FROM "Job" AS j
        WHERE j."type" = ANY(${types}::text[])
          AND ((j."status" = 'QUEUED' AND j."runAfter" <= now())
               OR (j."status" = 'RUNNING' AND j."lockedUntil" < now()))
          AND NOT (j."type" = ANY(${TRAINING_KINDS}::text[]) AND j."projectId" = ANY(${passedOver}::text[]))
          AND NOT ${projectAlreadyTraining}
        ORDER BY j."runAfter" ASC, j."createdAt" ASC, j."id" ASC
        LIMIT 1
        FOR UPDATE SKIP LOCKED`;
      if (!next) return null;
      if (
        next.projectId !== null &&
        TRAINING_KINDS.includes(next.type) &&
        !(await holdProjectTraining(tx, next.id, next.projectId))
      ) {
        passedOver.push(next.projectId);
        continue;
      }
      const rows = await tx.$queryRaw<ClaimedJobRow[]>`
        UPDATE "Job" AS j
        SET "status" = 'RUNNING',
            "lockedBy" = ${input.workerId},
            "lockedUntil" = now() + make_interval(secs => ${input.lockSeconds}::double precision),
            "attempts" = j."attempts" + 1,
            "updatedAt" = now()
        WHERE j."id" = ${next.id}
        RETURNING j."id", j."projectId", j."type", j."payload", j."attempts", j."maxAttempts", j."lockedUntil"`;
      return rows[0] ?? null;
    }
  });
}

/**
 * Takes the project's training-claim lock for the rest of this transaction and checks again, now
 * that no other claimer can be between its check and its commit, that the project is not training.
 * The lock is tried, never waited for: a claimer holding it is about to claim in that project, and
 * not waiting means two claimers can never wait on each other's locks.
 */
async function holdProjectTraining(
  tx: Prisma.TransactionClient,
  jobId: string,
  projectId: string,
): Promise<boolean> {
  const [lock] = await tx.$queryRaw<{ locked: boolean }[]>`
    SELECT pg_try_advisory_xact_lock(hashtext(${`loupe-training-claim:${projectId}`})) AS "locked"`;
  if (!lock?.locked) return false;
  // A statement of its own: its snapshot is taken after the lock, so it sees every claim committed
  // by the lock's previous holder.
  const [busy] = await tx.$queryRaw<{ training: boolean }[]>`
    SELECT ${projectAlreadyTraining} AS "training" FROM "Job" AS j WHERE j."id" = ${jobId}`;
  return busy?.training === false;
}
