import type { Db } from '@loupe/db';
import { AppError } from '../../errors/app-error';
import { finishLeasedTask } from './finish-leased-task';

/** Hands a task with at least one accepted object to review. */
export async function submitTask(
  db: Db,
  input: { projectId: string; taskId: string; userId: string; expectedRevision?: number },
) {
  const objects = await db.annotation.count({
    where: { taskId: input.taskId, projectId: input.projectId, supersededAt: null },
  });
  if (objects === 0)
    throw new AppError(
      'BAD_INPUT',
      'Accept at least one object before submitting, or skip the image.',
    );
  return finishLeasedTask(db, { ...input, status: 'SUBMITTED' });
}
