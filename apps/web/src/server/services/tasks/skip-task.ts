import type { Db } from '@loupe/db';
import { finishLeasedTask } from './finish-leased-task';

/** The annotator passes on this image (nothing to label, or not sure). */
export function skipTask(db: Db, input: { projectId: string; taskId: string; userId: string }) {
  return finishLeasedTask(db, { ...input, status: 'SKIPPED' });
}
