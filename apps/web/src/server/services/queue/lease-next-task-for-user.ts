import { leaseNextTask, type Db } from '@loupe/db';
import { getTaskView, type TaskView } from '../tasks/get-task-view';

/**
 * "Next image": leases the highest-priority task nobody else holds (the user's own live lease
 * first, so a reload resumes), or null when the queue is empty. `excludeTaskId`: the task the
 * page has open now, when it preloads the one after it.
 */
export async function leaseNextTaskForUser(
  db: Db,
  projectId: string,
  userId: string,
  excludeTaskId: string | null = null,
): Promise<TaskView | null> {
  const project = await db.project.findUnique({
    where: { id: projectId },
    select: { leaseSeconds: true },
  });
  const leased = await leaseNextTask(db, {
    projectId,
    userId,
    leaseSeconds: project?.leaseSeconds ?? 900,
    excludeTaskId,
  });
  return leased ? getTaskView(db, projectId, leased.id) : null;
}
