import type { Db } from '@loupe/db';
import { AppError } from '../../errors/app-error';

/**
 * A reviewer approves a submitted task or sends it back with a comment. Sent-back tasks return to
 * the annotation queue (leaseNextTask serves SENT_BACK tasks), their masks kept for correction.
 * Conditional on the task still being SUBMITTED, so two reviewers cannot both decide it.
 */
export async function decideReview(
  db: Db,
  input: {
    projectId: string;
    taskId: string;
    reviewerId: string;
    decision: 'APPROVED' | 'SENT_BACK';
    comment: string;
  },
) {
  if (input.decision === 'SENT_BACK' && !input.comment.trim())
    throw new AppError('BAD_INPUT', 'Say what to fix when sending a task back.', {
      field: 'comment',
    });
  return db.$transaction(async (tx) => {
    const updated = await tx.task.updateMany({
      where: { id: input.taskId, projectId: input.projectId, status: 'SUBMITTED' },
      data: { status: input.decision, revision: { increment: 1 } },
    });
    if (updated.count === 0) {
      const task = await tx.task.findFirst({
        where: { id: input.taskId, projectId: input.projectId },
        select: { status: true },
      });
      if (!task) throw new AppError('NOT_FOUND', 'Task not found in this project.');
      throw new AppError(
        'CONFLICT',
        `This task is ${task.status.toLowerCase().replace('_', ' ')}, not waiting for review.`,
      );
    }
    return tx.review.create({
      data: {
        taskId: input.taskId,
        reviewerId: input.reviewerId,
        decision: input.decision,
        comment: input.comment.trim(),
      },
      select: { id: true, decision: true, comment: true, createdAt: true },
    });
  });
}
