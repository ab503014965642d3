/**
 * Tag mode: the annotator's image-level tags for one task's image, written as IMAGE_TAG weak labels
 * while the task moves to WEAK_LABELED (lease check and labels in one transaction).
 *
 * Rules (bad input is refused with the reason; nothing is written then):
 * - Only this project's tags: 'present', 'absent' and the admin's list (Project.tagVocabulary).
 * - 'present' and 'absent' together contradict each other.
 * - 'absent' on an image that has an accepted human mask or a live box is refused: positive
 *   evidence already exists. (The other way round, a mask or box saved after 'absent', wins: the
 *   'absent' tag is superseded, see supersede-absent-tag.ts.)
 * - Tagging again replaces the image's previous tags (they are superseded, kept for history).
 */
import { ABSENT_TAG, PRESENT_TAG, projectTags } from '@loupe/contracts';
import type { Db } from '@loupe/db';
import { AppError } from '../../errors/app-error';
import { finishLeasedTask } from '../tasks/finish-leased-task';
import { loadWeakLabelContext } from './load-weak-label-context';

export interface ApplyImageTagsInput {
  projectId: string;
  taskId: string;
  userId: string;
  tags: string[];
  expectedRevision?: number;
}

export async function applyImageTags(db: Db, input: ApplyImageTagsInput) {
  const tags = [...new Set(input.tags.map((t) => t.trim().toLowerCase()))];
  if (tags.length === 0)
    throw new AppError('BAD_INPUT', 'tags: choose at least one tag.', { field: 'tags' });
  return db.$transaction(async (tx) => {
    const context = await loadWeakLabelContext(tx, input.projectId, input.taskId);
    const allowed = projectTags(context.vocabulary);
    const unknown = tags.filter((t) => !allowed.includes(t));
    if (unknown.length)
      throw new AppError(
        'BAD_INPUT',
        `tags: ${unknown.map((t) => `'${t}'`).join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not a tag of this project (its tags: ${allowed.join(', ')}).`,
        { field: 'tags', unknown },
      );
    if (tags.includes(PRESENT_TAG) && tags.includes(ABSENT_TAG))
      throw new AppError('BAD_INPUT', "tags: 'present' and 'absent' contradict each other.", {
        field: 'tags',
      });
    if (tags.includes(ABSENT_TAG) && (context.humanMasks > 0 || context.liveBoxes.length > 0))
      throw new AppError(
        'CONFLICT',
        `This image has ${describeEvidence(context.humanMasks, context.liveBoxes.length)}, so it cannot be tagged 'absent'; delete ${context.humanMasks + context.liveBoxes.length === 1 ? 'it' : 'them'} first or tag it 'present'.`,
        { field: 'tags' },
      );
    const finished = await finishLeasedTask(tx, {
      projectId: input.projectId,
      taskId: input.taskId,
      userId: input.userId,
      status: 'WEAK_LABELED',
      ...(input.expectedRevision !== undefined ? { expectedRevision: input.expectedRevision } : {}),
    });
    const now = new Date();
    if (context.liveTags.length)
      await tx.weakLabel.updateMany({
        where: { id: { in: context.liveTags.map((l) => l.id) } },
        data: { supersededAt: now },
      });
    await tx.weakLabel.createMany({
      data: tags.map((tag) => ({
        projectId: input.projectId,
        imageId: context.imageId,
        taskId: context.taskId,
        kind: 'IMAGE_TAG' as const,
        tag,
        createdById: input.userId,
      })),
    });
    return { ...finished, tags };
  });
}

function describeEvidence(masks: number, boxes: number): string {
  const parts = [];
  if (masks) parts.push(`${masks} accepted mask${masks === 1 ? '' : 's'}`);
  if (boxes) parts.push(`${boxes} box${boxes === 1 ? '' : 'es'}`);
  return parts.join(' and ');
}
