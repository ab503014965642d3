import { z } from 'zod';
import { leaseNextTaskForUser } from '../../services/queue/lease-next-task-for-user';
import { openTask } from '../../services/queue/open-task';
import { releaseTaskLease } from '../../services/queue/release-task-lease';
import { renewTaskLease } from '../../services/queue/renew-task-lease';
import { annotatorProcedure, createTRPCRouter } from '../trpc';

const taskInput = z.object({ taskId: z.string().min(1).max(64) });

export const queueRouter = createTRPCRouter({
  /**
   * Lease the next image to annotate (null when the queue is empty). `excludeTaskId`: the task on
   * screen, for the page's lease-ahead (the caller's other live lease is served first).
   */
  next: annotatorProcedure
    .input(z.object({ excludeTaskId: taskInput.shape.taskId.nullish() }))
    .mutation(({ ctx, input }) =>
      leaseNextTaskForUser(ctx.db, ctx.projectId, ctx.user.id, input.excludeTaskId ?? undefined),
    ),
  open: annotatorProcedure
    .input(taskInput)
    .mutation(({ ctx, input }) => openTask(ctx.db, ctx.projectId, input.taskId, ctx.user.id)),
  renew: annotatorProcedure
    .input(taskInput)
    .mutation(({ ctx, input }) => renewTaskLease(ctx.db, ctx.projectId, input.taskId, ctx.user.id)),
  release: annotatorProcedure
    .input(taskInput)
    .mutation(({ ctx, input }) =>
      releaseTaskLease(ctx.db, ctx.projectId, input.taskId, ctx.user.id),
    ),
});
