import { Prisma } from '../generated/prisma/client';
import type { DbOrTx } from '../client/db-types';
import type { LeasedTask } from './leased-task';
import { LEASED_TASK_COLUMNS } from './leased-task';

export interface LeaseNextTaskInput {
  projectId: string;
  userId: string;
  /** Lease length; omitted: the project's Project.leaseSeconds, read in the same statement. */
  leaseSeconds?: number;
  /**
   * Never this task (the one on the caller's screen): the page's lease-ahead asks for the task
   * after it. The caller's other live lease, if any, is still served first, so a user never holds
   * more than the task on screen plus one leased ahead.
   */
  excludeTaskId?: string | null;
}

/**
 * Leases the task this user should work on next, or returns null when none is free. A live lease
 * the user already holds comes first (resume after reload); otherwise the highest Task.priority
 * (then oldest) among UNLABELED / SENT_BACK tasks and IN_PROGRESS ones whose lease is free or
 * expired.
 *
 * One statement whose cost does not grow with the queue: each source is its own LIMIT 1 walk of
 * the (projectId, status, priority DESC, createdAt, id) index, so it reads a handful of rows
 * whether the project has 50 tasks or 500,000 (the IN_PROGRESS walk skips only live leases, about
 * one or two per working annotator). FOR UPDATE SKIP LOCKED in each source: concurrent callers
 * never wait on, or get, the same row; a row locked by a source that lost the final pick is
 * released when the statement ends.
 */
export async function leaseNextTask(
  db: DbOrTx,
  input: LeaseNextTaskInput,
): Promise<LeasedTask | null> {
  const exclude = input.excludeTaskId ?? '';
  const leaseSeconds =
    input.leaseSeconds === undefined
      ? Prisma.sql`(SELECT p."leaseSeconds" FROM "Project" AS p WHERE p."id" = ${input.projectId})`
      : Prisma.sql`${input.leaseSeconds}`;
  const rows = await db.$queryRaw<LeasedTask[]>`
    WITH own AS MATERIALIZED (
      SELECT c."id", c."priority", c."createdAt", 1 AS mine
      FROM "Task" AS c
      WHERE c."leaseHolderId" = ${input.userId}
        AND c."projectId" = ${input.projectId}
        AND c."status" = 'IN_PROGRESS'
        AND c."leaseExpiresAt" > now()
        AND c."id" <> ${exclude}
      ORDER BY c."priority" DESC, c."createdAt" ASC, c."id" ASC
      LIMIT 1
      FOR UPDATE SKIP LOCKED
    ),
    fresh AS MATERIALIZED (
      SELECT c."id", c."priority", c."createdAt", 0 AS mine
      FROM "Task" AS c
      WHERE c."projectId" = ${input.projectId} AND c."status" = 'UNLABELED' AND c."id" <> ${exclude}
        AND NOT EXISTS (SELECT 1 FROM own)
      ORDER BY c."priority" DESC, c."createdAt" ASC, c."id" ASC
      LIMIT 1
      FOR UPDATE SKIP LOCKED
    ),
    sent_back AS MATERIALIZED (
      SELECT c."id", c."priority", c."createdAt", 0 AS mine
      FROM "Task" AS c
      WHERE c."projectId" = ${input.projectId} AND c."status" = 'SENT_BACK' AND c."id" <> ${exclude}
        AND NOT EXISTS (SELECT 1 FROM own)
      ORDER BY c."priority" DESC, c."createdAt" ASC, c."id" ASC
      LIMIT 1
      FOR UPDATE SKIP LOCKED
    ),
    lapsed AS MATERIALIZED (
      SELECT c."id", c."priority", c."createdAt", 0 AS mine
      FROM "Task" AS c
      WHERE c."projectId" = ${input.projectId} AND c."status" = 'IN_PROGRESS' AND c."id" <> ${exclude}
        AND (c."leaseHolderId" IS NULL OR c."leaseExpiresAt" <= now())
        AND NOT EXISTS (SELECT 1 FROM own)
      ORDER BY c."priority" DESC, c."createdAt" ASC, c."id" ASC
      LIMIT 1
      FOR UPDATE SKIP LOCKED
    ),
    candidate AS (
      SELECT pick."id"
      FROM (
        SELECT * FROM own
        UNION ALL SELECT * FROM fresh
        UNION ALL SELECT * FROM sent_back
        UNION ALL SELECT * FROM lapsed
      ) AS pick
      ORDER BY pick.mine DESC, pick."priority" DESC, pick."createdAt" ASC, pick."id" ASC
      LIMIT 1
    )
    UPDATE "Task" AS t
    SET "status" = 'IN_PROGRESS',
        "leaseHolderId" = ${input.userId},
        "leaseExpiresAt" = now() + make_interval(secs => ${leaseSeconds}::double precision),
        "updatedAt" = now()
    FROM candidate
    WHERE t."id" = candidate."id"
    RETURNING ${Prisma.raw(LEASED_TASK_COLUMNS)}`;
  return rows[0] ?? null;
}
