import type { DbOrTx } from '@loupe/db';
import { AppError } from '../../errors/app-error';

type FinalStatus = 'SUBMITTED' | 'SKIPPED' | 'FLAGGED' | 'WEAK_LABELED';

/**
 * Moves a task the caller holds a live lease on to a final status and releases the lease, in one
 * conditional UPDATE. Refused (nothing changes) when the lease expired or belongs to someone else,
 * or when `expectedRevision` is stale. Takes a transaction client too, so a caller can write the
 * labels that finish the task (weak labels) in the same transaction.
 */
export async function finishLeasedTask(
  db: DbOrTx,
  input: {
    projectId: string;
    taskId: string;
    userId: string;
    status: FinalStatus;
    flagReason?: string | null;
    expectedRevision?: number;
  },
): Promise<{ status: FinalStatus; revision: number }> {
  const updated = await db.task.updateMany({
    where: {
      id: input.taskId,
      projectId: input.projectId,
      status: 'IN_PROGRESS',
      leaseHolderId: input.userId,
      leaseExpiresAt: { gt: new Date() },
      ...(input.expectedRevision !== undefined ? { revision: input.expectedRevision } : {}),
    },
    data: {
      status: input.status,
      leaseHolderId: null,
      leaseExpiresAt: null,
      revision: { increment: 1 },
      ...(input.flagReason !== undefined ? { flagReason: input.flagReason } : {}),
    },
  });
  const task = await db.task.findFirst({
    where: { id: input.taskId, projectId: input.projectId },
    select: { status: true, revision: true, leaseHolderId: true },
  });
  if (!task) throw new AppError('NOT_FOUND', 'Task not found in this project.');
  if (updated.count === 1) return { status: input.status, revision: task.revision };
  if (task.leaseHolderId && task.leaseHolderId !== input.userId)
    throw new AppError(
      'CONFLICT',
      'Someone else is working on this task now; your change was not applied.',
    );
  if (
    task.leaseHolderId === input.userId &&
    input.expectedRevision !== undefined &&
    task.revision !== input.expectedRevision
  )
    throw new AppError(
      'CONFLICT',
      `The task changed since you loaded it (revision ${task.revision}, you had ${input.expectedRevision}); reload it.`,
    );
  throw new AppError(
    'LEASE_EXPIRED',
    'Your lease on this task expired; open it again to continue.',
  );
}
