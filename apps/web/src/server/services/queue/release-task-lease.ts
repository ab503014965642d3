import { releaseLease, type Db } from '@loupe/db';
import { AppError } from '../../errors/app-error';

/** The annotator left the task without finishing it: give the lease back. */
export async function releaseTaskLease(
  db: Db,
  projectId: string,
  taskId: string,
  userId: string,
): Promise<{ released: boolean }> {
  const task = await db.task.findFirst({ where: { id: taskId, projectId }, select: { id: true } });
  if (!task) throw new AppError('NOT_FOUND', 'Task not found in this project.');
  return { released: await releaseLease(db, { taskId, userId }) };
}
