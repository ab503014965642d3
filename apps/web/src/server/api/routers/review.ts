import { z } from 'zod';
import { decideReview } from '../../services/review/decide-review';
import { listReviewQueue } from '../../services/review/list-review-queue';
import { getTaskView } from '../../services/tasks/get-task-view';
import { createTRPCRouter, reviewerProcedure } from '../trpc';

const taskId = z.string().min(1).max(64);

export const reviewRouter = createTRPCRouter({
  queue: reviewerProcedure.query(({ ctx }) => listReviewQueue(ctx.db, ctx.projectId)),
  task: reviewerProcedure
    .input(z.object({ taskId }))
    .query(({ ctx, input }) => getTaskView(ctx.db, ctx.projectId, input.taskId)),
  decide: reviewerProcedure
    .input(
      z.object({
        taskId,
        decision: z.enum(['APPROVED', 'SENT_BACK']),
        comment: z.string().max(2000).default(''),
      }),
    )
    .mutation(({ ctx, input }) =>
      decideReview(ctx.db, { ...input, projectId: ctx.projectId, reviewerId: ctx.user.id }),
    ),
});
