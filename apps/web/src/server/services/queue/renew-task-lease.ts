import { renewLease, type Db } from '@loupe/db';
import { AppError } from '../../errors/app-error';

/** Heartbeat from an open annotate page: extends the caller's live lease (LEASE_EXPIRED if it lapsed). */
export async function renewTaskLease(
  db: Db,
  projectId: string,
  taskId: string,
  userId: string,
): Promise<{ leaseExpiresAt: Date }> {
  const task = await db.task.findFirst({
    where: { id: taskId, projectId },
    select: { project: { select: { leaseSeconds: true } } },
  });
  if (!task) throw new AppError('NOT_FOUND', 'Task not found in this project.');
  return renewLease(db, { taskId, userId, leaseSeconds: task.project.leaseSeconds });
}
