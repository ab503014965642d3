import { leaseTask, type Db } from '@loupe/db';
import { AppError } from '../../errors/app-error';
import { getTaskView, type TaskView } from '../tasks/get-task-view';

/** Opens a specific task for annotation: takes its lease (refused while someone else holds it). */
export async function openTask(
  db: Db,
  projectId: string,
  taskId: string,
  userId: string,
): Promise<TaskView> {
  const task = await db.task.findFirst({
    where: { id: taskId, projectId },
    select: { id: true, project: { select: { leaseSeconds: true } } },
  });
  if (!task) throw new AppError('NOT_FOUND', 'Task not found in this project.');
  await leaseTask(db, { taskId, userId, leaseSeconds: task.project.leaseSeconds });
  return getTaskView(db, projectId, taskId);
}
