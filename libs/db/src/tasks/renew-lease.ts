import type { DbOrTx } from '../client/db-types';
import { DbError } from '../errors/db-error';

export interface RenewLeaseInput {
  taskId: string;
  userId: string;
  leaseSeconds: number;
}

/**
 * Extends a lease the caller still holds. A lease that has already expired is not revived here
 * (someone else may have it by now): the caller gets LEASE_EXPIRED and should lease again.
 */
export async function renewLease(
  db: DbOrTx,
  input: RenewLeaseInput,
): Promise<{ leaseExpiresAt: Date }> {
  const rows = await db.$queryRaw<{ leaseExpiresAt: Date }[]>`
    UPDATE "Task"
    SET "leaseExpiresAt" = now() + make_interval(secs => ${input.leaseSeconds}::double precision),
        "updatedAt" = now()
    WHERE "id" = ${input.taskId}
      AND "status" = 'IN_PROGRESS'
      AND "leaseHolderId" = ${input.userId}
      AND "leaseExpiresAt" > now()
    RETURNING "leaseExpiresAt"`;
  const renewed = rows[0];
  if (renewed) return renewed;
  const exists = await db.task.findUnique({ where: { id: input.taskId }, select: { id: true } });
  if (!exists) throw new DbError('NOT_FOUND', `Task ${input.taskId} does not exist.`);
  throw new DbError(
    'LEASE_EXPIRED',
    `Your lease on task ${input.taskId} has expired or was released; open the task again.`,
  );
}
