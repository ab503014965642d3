import type { Db } from '@loupe/db';
import { finishLeasedTask } from './finish-leased-task';

/** Flags an image for an admin (bad quality, wrong modality, privacy concern ...). */
export function flagTask(
  db: Db,
  input: { projectId: string; taskId: string; userId: string; reason: string },
) {
  return finishLeasedTask(db, {
    projectId: input.projectId,
    taskId: input.taskId,
    userId: input.userId,
    status: 'FLAGGED',
    flagReason: input.reason,
  });
}
