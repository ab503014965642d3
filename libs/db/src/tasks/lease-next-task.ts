import { Prisma } from '../generated/prisma/client';
import type { DbOrTx } from '../client/db-types';
import type { LeasedTask } from './leased-task';
import { LEASED_TASK_COLUMNS } from './leased-task';

export interface LeaseNextTaskInput {
  projectId: string;
  userId: string;
  leaseSeconds: number;
  /**
   * Never this task: the page that preloads the next image asks while it still holds the current
   * one (which would otherwise come first, as the user's own live lease).
   */
  excludeTaskId?: string | null;
}

/**
 * Leases the task this user should work on next, or returns null when none is free. A live lease
 * the user already holds comes first (resume after reload); otherwise the highest Task.priority
 * among UNLABELED / SENT_BACK tasks and IN_PROGRESS ones whose lease is free or expired.
 * FOR UPDATE SKIP LOCKED: concurrent callers never wait on, or get, the same row.
 */
export async function leaseNextTask(
  db: DbOrTx,
  input: LeaseNextTaskInput,
): Promise<LeasedTask | null> {
  const rows = await db.$queryRaw<LeasedTask[]>`
    WITH candidate AS (
      SELECT c."id"
      FROM "Task" AS c
      WHERE c."projectId" = ${input.projectId}
        AND c."id" <> ${input.excludeTaskId ?? ''}
        AND (
          c."status" IN ('UNLABELED', 'SENT_BACK')
          OR (c."status" = 'IN_PROGRESS'
              AND (c."leaseHolderId" IS NULL OR c."leaseHolderId" = ${input.userId} OR c."leaseExpiresAt" <= now()))
        )
      ORDER BY (c."status" = 'IN_PROGRESS' AND c."leaseHolderId" = ${input.userId} AND c."leaseExpiresAt" > now()) DESC,
               c."priority" DESC,
               c."createdAt" ASC,
               c."id" ASC
      LIMIT 1
      FOR UPDATE SKIP LOCKED
    )
    UPDATE "Task" AS t
    SET "status" = 'IN_PROGRESS',
        "leaseHolderId" = ${input.userId},
        "leaseExpiresAt" = now() + make_interval(secs => ${input.leaseSeconds}::double precision),
        "updatedAt" = now()
    FROM candidate
    WHERE t."id" = candidate."id"
    RETURNING ${Prisma.raw(LEASED_TASK_COLUMNS)}`;
  return rows[0] ?? null;
}
