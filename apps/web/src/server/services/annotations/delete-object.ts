import type { Db } from '@loupe/db';
import { AppError } from '../../errors/app-error';

/** Removes one accepted object from a task the caller holds a live lease on. */
export async function deleteObject(
  db: Db,
  input: { projectId: string; taskId: string; userId: string; objectId: string },
) {
  return db.$transaction(async (tx) => {
    const bumped = await tx.task.updateMany({
      where: {
        id: input.taskId,
        projectId: input.projectId,
        status: 'IN_PROGRESS',
        leaseHolderId: input.userId,
        leaseExpiresAt: { gt: new Date() },
      },
      data: { revision: { increment: 1 } },
    });
    if (bumped.count === 0)
      throw new AppError(
        'LEASE_EXPIRED',
        'You no longer hold the lease on this task; open it again.',
      );
    const deleted = await tx.annotation.deleteMany({
      where: { taskId: input.taskId, objectId: input.objectId },
    });
    const task = await tx.task.findUniqueOrThrow({
      where: { id: input.taskId },
      select: { revision: true },
    });
    return { deleted: deleted.count, revision: task.revision };
  });
}
