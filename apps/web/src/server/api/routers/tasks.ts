import { z } from 'zod';
import { getTaskView } from '../../services/tasks/get-task-view';
import { flagTask } from '../../services/tasks/flag-task';
import { skipTask } from '../../services/tasks/skip-task';
import { submitTask } from '../../services/tasks/submit-task';
import { annotatorProcedure, createTRPCRouter } from '../trpc';

const taskId = z.string().min(1).max(64);

export const tasksRouter = createTRPCRouter({
  get: annotatorProcedure
    .input(z.object({ taskId }))
    .query(({ ctx, input }) => getTaskView(ctx.db, ctx.projectId, input.taskId)),
  submit: annotatorProcedure
    .input(z.object({ taskId, expectedRevision: z.number().int().min(0).optional() }))
    .mutation(({ ctx, input }) =>
      submitTask(ctx.db, { ...input, projectId: ctx.projectId, userId: ctx.user.id }),
    ),
  skip: annotatorProcedure
    .input(z.object({ taskId }))
    .mutation(({ ctx, input }) =>
      skipTask(ctx.db, { projectId: ctx.projectId, userId: ctx.user.id, taskId: input.taskId }),
    ),
  flag: annotatorProcedure
    .input(z.object({ taskId, reason: z.string().trim().min(1).max(500) }))
    .mutation(({ ctx, input }) =>
      flagTask(ctx.db, { ...input, projectId: ctx.projectId, userId: ctx.user.id }),
    ),
});
