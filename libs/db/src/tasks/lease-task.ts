import { Prisma } from '../generated/prisma/client';
import type { DbOrTx } from '../client/db-types';
import { DbError, LeaseConflictError } from '../errors/db-error';
import type { LeasedTask } from './leased-task';
import { LEASED_TASK_COLUMNS } from './leased-task';

export interface LeaseTaskInput {
  taskId: string;
  userId: string;
  leaseSeconds: number;
}

/**
 * Takes (or renews) the lease on one task. A single conditional UPDATE: when many callers race,
 * Postgres re-checks the condition after each row lock, so exactly one wins; the others get a
 * LeaseConflictError naming the holder. Leasable: UNLABELED, SENT_BACK, WEAK_LABELED (opened by
 * link to add masks to a tagged or boxed image; the queue never serves it), or IN_PROGRESS whose
 * lease is free, expired, or already this user's.
 */
export async function leaseTask(db: DbOrTx, input: LeaseTaskInput): Promise<LeasedTask> {
  const rows = await db.$queryRaw<LeasedTask[]>`
    UPDATE "Task" AS t
    SET "status" = 'IN_PROGRESS',
        "leaseHolderId" = ${input.userId},
        "leaseExpiresAt" = now() + make_interval(secs => ${input.leaseSeconds}::double precision),
        "updatedAt" = now()
    WHERE t."id" = ${input.taskId}
      AND (
        t."status" IN ('UNLABELED', 'SENT_BACK', 'WEAK_LABELED')
        OR (t."status" = 'IN_PROGRESS'
            AND (t."leaseHolderId" IS NULL OR t."leaseHolderId" = ${input.userId} OR t."leaseExpiresAt" <= now()))
      )
    RETURNING ${Prisma.raw(LEASED_TASK_COLUMNS)}`;
  const leased = rows[0];
  if (leased) return leased;

  const task = await db.task.findUnique({
    where: { id: input.taskId },
    select: { status: true, leaseHolderId: true },
  });
  if (!task) throw new DbError('NOT_FOUND', `Task ${input.taskId} does not exist.`);
  if (task.status !== 'IN_PROGRESS') {
    throw new LeaseConflictError(
      `Task ${input.taskId} is ${task.status} and cannot be leased for annotation.`,
      null,
    );
  }
  throw new LeaseConflictError(
    `Task ${input.taskId} is being annotated by someone else.`,
    task.leaseHolderId,
  );
}
