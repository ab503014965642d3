import { z } from 'zod';
import { deleteObject } from '../../services/annotations/delete-object';
import { saveObjectMask } from '../../services/annotations/save-object-mask';
import { annotatorProcedure, createTRPCRouter } from '../trpc';

/** Base64 of libs/prompts mask bytes; 16 MiB of text covers any mask within the image limits. */
const maskBytesBase64 = z
  .string()
  .min(4)
  .max(16 * 1024 * 1024)
  .regex(/^[A-Za-z0-9+/]+={0,2}$/, 'must be base64');
const id = z.string().min(1).max(64);

export const annotationsRouter = createTRPCRouter({
  save: annotatorProcedure
    .input(
      z.object({
        taskId: id,
        objectId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, - or _'),
        expectedRevision: z.number().int().min(0).optional(),
        /** Sent again unchanged on a retry: a save that had committed answers success, not 409. */
        clientSaveId: z
          .string()
          .regex(/^[A-Za-z0-9_-]{8,64}$/, 'must be 8-64 letters, digits, - or _')
          .nullish(),
        finalRle: maskBytesBase64,
        proposalRle: maskBytesBase64.nullish(),
        modelVersionId: id.nullish(),
        clicks: z.number().int().min(0).max(10_000).default(0),
        brushStrokes: z.number().int().min(0).max(10_000).default(0),
        activeSeconds: z
          .number()
          .finite()
          .min(0)
          .max(24 * 3600)
          .default(0),
      }),
    )
    .mutation(({ ctx, input }) =>
      saveObjectMask(ctx.db, {
        ...input,
        projectId: ctx.projectId,
        userId: ctx.user.id,
        proposalRle: input.proposalRle ?? null,
        modelVersionId: input.modelVersionId ?? null,
        clientSaveId: input.clientSaveId ?? null,
      }),
    ),
  remove: annotatorProcedure
    .input(z.object({ taskId: id, objectId: z.string().min(1).max(64) }))
    .mutation(({ ctx, input }) =>
      deleteObject(ctx.db, { ...input, projectId: ctx.projectId, userId: ctx.user.id }),
    ),
});
