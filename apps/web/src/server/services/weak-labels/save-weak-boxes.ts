/**
 * Box-only mode: boxes drawn around each object, with no mask review, written as BOX weak labels
 * while the task moves to WEAK_LABELED (lease check and labels in one transaction). The trainer
 * turns each into a confidence-weighted pseudo-mask (apps/trainer weak-labels).
 *
 * Rules: every box lies inside the image (else refused, the box named); an image that already has
 * an accepted human mask is refused (finish it in mask mode: a human mask is never mixed with or
 * replaced by a pseudo-mask); boxes saved again replace the image's previous boxes; a live 'absent'
 * tag on the image is superseded (the boxes are newer, positive evidence).
 */
import { ABSENT_TAG } from '@loupe/contracts';
import type { Db } from '@loupe/db';
import { validateBox, type Box } from '@loupe/prompts';
import { AppError } from '../../errors/app-error';
import { finishLeasedTask } from '../tasks/finish-leased-task';
import { loadWeakLabelContext } from './load-weak-label-context';

export const MAX_WEAK_BOXES = 50;

export interface SaveWeakBoxesInput {
  projectId: string;
  taskId: string;
  userId: string;
  boxes: unknown[];
  expectedRevision?: number;
}

export async function saveWeakBoxes(db: Db, input: SaveWeakBoxesInput) {
  if (input.boxes.length === 0 || input.boxes.length > MAX_WEAK_BOXES)
    throw new AppError('BAD_INPUT', `boxes: draw 1 to ${MAX_WEAK_BOXES} boxes.`, {
      field: 'boxes',
    });
  return db.$transaction(async (tx) => {
    const context = await loadWeakLabelContext(tx, input.projectId, input.taskId);
    const boxes: Box[] = input.boxes.map((box, i) => {
      const valid = validateBox(box, context.size, `boxes.${i}`);
      if (valid.x1 - valid.x0 < 1 || valid.y1 - valid.y0 < 1)
        throw new AppError(
          'BAD_INPUT',
          `boxes.${i}: a box must be at least 1 pixel wide and tall.`,
          {
            field: `boxes.${i}`,
          },
        );
      return valid;
    });
    if (context.humanMasks > 0)
      throw new AppError(
        'CONFLICT',
        `This image already has ${context.humanMasks} accepted mask${context.humanMasks === 1 ? '' : 's'}; finish it in mask mode (boxes never replace human masks).`,
      );
    const finished = await finishLeasedTask(tx, {
      projectId: input.projectId,
      taskId: input.taskId,
      userId: input.userId,
      status: 'WEAK_LABELED',
      ...(input.expectedRevision !== undefined ? { expectedRevision: input.expectedRevision } : {}),
    });
    const now = new Date();
    const replaced = [
      ...context.liveBoxes.map((l) => l.id),
      ...context.liveTags.filter((l) => l.tag === ABSENT_TAG).map((l) => l.id),
    ];
    if (replaced.length)
      await tx.weakLabel.updateMany({
        where: { id: { in: replaced } },
        data: { supersededAt: now },
      });
    await tx.weakLabel.createMany({
      data: boxes.map((box) => ({
        projectId: input.projectId,
        imageId: context.imageId,
        taskId: context.taskId,
        kind: 'BOX' as const,
        boxX0: box.x0,
        boxY0: box.y0,
        boxX1: box.x1,
        boxY1: box.y1,
        createdById: input.userId,
      })),
    });
    return { ...finished, boxes: boxes.length };
  });
}
