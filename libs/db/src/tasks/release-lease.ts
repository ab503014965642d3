import type { DbOrTx } from '../client/db-types';

export interface ReleaseLeaseInput {
  taskId: string;
  userId: string;
}

/**
 * Gives a lease back (the annotator left the task without submitting). Only the holder's lease is
 * released; a task nobody has saved anything on returns to UNLABELED, one with saved work stays
 * IN_PROGRESS (and leasable). Returns whether a lease was released.
 */
export async function releaseLease(db: DbOrTx, input: ReleaseLeaseInput): Promise<boolean> {
  const released = await db.$executeRaw`
    UPDATE "Task" AS t
    SET "leaseHolderId" = NULL,
        "leaseExpiresAt" = NULL,
        "status" = CASE
          WHEN EXISTS (SELECT 1 FROM "Annotation" AS a WHERE a."taskId" = t."id" AND a."supersededAt" IS NULL)
            THEN 'IN_PROGRESS'::"TaskStatus"
          ELSE 'UNLABELED'::"TaskStatus"
        END,
        "updatedAt" = now()
    WHERE t."id" = ${input.taskId}
      AND t."status" = 'IN_PROGRESS'
      AND t."leaseHolderId" = ${input.userId}`;
  return released > 0;
}
