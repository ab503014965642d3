import { leaseNextTask, type Db } from '@loupe/db';
import { getTaskView, type TaskView } from '../tasks/get-task-view';

/**
 * "Next image": leases the highest-priority task nobody else holds (the user's own live lease
 * first, so a reload resumes), or null when the queue is empty. With `excludeTaskId` (the task on
 * the caller's screen) it is the page's lease-ahead: see use-task-session for the rule.
 */
export async function leaseNextTaskForUser(
  db: Db,
  projectId: string,
  userId: string,
  excludeTaskId?: string | null,
): Promise<TaskView | null> {
  // Two statements: the lease (which reads the project's lease length itself) and the view.
  const leased = await leaseNextTask(db, {
    projectId,
    userId,
    ...(excludeTaskId ? { excludeTaskId } : {}),
  });
  return leased ? getTaskView(db, projectId, leased.id) : null;
}
