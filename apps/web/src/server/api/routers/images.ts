import { z } from 'zod';
import { listImages } from '../../services/images/list-images';
import { annotatorProcedure, createTRPCRouter } from '../trpc';

const TASK_STATUSES = [
  'UNLABELED',
  'IN_PROGRESS',
  'SUBMITTED',
  'APPROVED',
  'SENT_BACK',
  'SKIPPED',
  'FLAGGED',
  'WEAK_LABELED',
] as const;

export const imagesRouter = createTRPCRouter({
  list: annotatorProcedure
    .input(
      z.object({
        page: z.number().int().min(0).max(100_000).default(0),
        pageSize: z.number().int().min(1).max(200).default(48),
        status: z.enum(TASK_STATUSES).optional(),
      }),
    )
    .query(({ ctx, input }) => listImages(ctx.db, { ...input, projectId: ctx.projectId })),
});
