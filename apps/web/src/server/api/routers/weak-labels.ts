import { z } from 'zod';
import { applyImageTags } from '../../services/weak-labels/apply-image-tags';
import { MAX_WEAK_BOXES, saveWeakBoxes } from '../../services/weak-labels/save-weak-boxes';
import { annotatorProcedure, createTRPCRouter } from '../trpc';

const taskId = z.string().min(1).max(64);
const expectedRevision = z.number().int().min(0).optional();

/** The fast label modes of the annotate page: tag mode and box-only mode. */
export const weakLabelsRouter = createTRPCRouter({
  /** Tags the task's image and moves it out of the queue (WEAK_LABELED). */
  applyTags: annotatorProcedure
    .input(z.object({ taskId, expectedRevision, tags: z.array(z.string().max(60)).min(1).max(32) }))
    .mutation(({ ctx, input }) =>
      applyImageTags(ctx.db, { ...input, projectId: ctx.projectId, userId: ctx.user.id }),
    ),
  /** Saves box-only labels (no mask review) and moves the task out of the queue. */
  saveBoxes: annotatorProcedure
    .input(
      z.object({
        taskId,
        expectedRevision,
        // Geometry is checked against the image in the service (it names the offending box).
        boxes: z.array(z.unknown()).min(1).max(MAX_WEAK_BOXES),
      }),
    )
    .mutation(({ ctx, input }) =>
      saveWeakBoxes(ctx.db, { ...input, projectId: ctx.projectId, userId: ctx.user.id }),
    ),
});
