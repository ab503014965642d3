import type { DbOrTx } from '@loupe/db';
import { AppError } from '../../errors/app-error';

/**
 * What the weak-label rules look at on one task's image: its size, the project's tags, and the
 * labels already there (accepted human masks, live boxes, live tags). Scoped by project, so a task
 * (and so an image) of another project is not found.
 */
export async function loadWeakLabelContext(db: DbOrTx, projectId: string, taskId: string) {
  const task = await db.task.findFirst({
    where: { id: taskId, projectId },
    select: {
      id: true,
      imageId: true,
      image: { select: { width: true, height: true } },
      project: { select: { tagVocabulary: true } },
    },
  });
  if (!task) throw new AppError('NOT_FOUND', 'Task not found in this project.');
  const [humanMasks, liveLabels] = await Promise.all([
    db.annotation.count({ where: { imageId: task.imageId, supersededAt: null } }),
    db.weakLabel.findMany({
      where: { imageId: task.imageId, supersededAt: null },
      select: { id: true, kind: true, tag: true },
    }),
  ]);
  return {
    taskId: task.id,
    imageId: task.imageId,
    size: task.image,
    vocabulary: task.project.tagVocabulary,
    humanMasks,
    liveBoxes: liveLabels.filter((l) => l.kind === 'BOX'),
    liveTags: liveLabels.filter((l) => l.kind === 'IMAGE_TAG'),
  };
}
