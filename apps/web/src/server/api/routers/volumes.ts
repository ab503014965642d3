import { z } from 'zod';
import {
  finishVolume,
  removeVolumeObject,
  renewVolumeLeases,
} from '../../services/volumes/finish-volume';
import { openVolume } from '../../services/volumes/open-volume';
import { saveVolumeObject } from '../../services/volumes/save-volume-object';
import { annotatorProcedure, createTRPCRouter } from '../trpc';

const id = z.string().min(1).max(64);
const maskBytesBase64 = z
  .string()
  .min(4)
  .max(16 * 1024 * 1024)
  .regex(/^[A-Za-z0-9+/]+={0,2}$/, 'must be base64');
const count = z.number().int().min(0).max(10_000).default(0);

/** The volume page: one lease over a volume's slice tasks, objects saved across slices. */
export const volumesRouter = createTRPCRouter({
  /** Leases every slice task of the volume the task belongs to. */
  open: annotatorProcedure
    .input(z.object({ taskId: id }))
    .mutation(({ ctx, input }) => openVolume(ctx.db, ctx.projectId, input.taskId, ctx.user.id)),
  renew: annotatorProcedure
    .input(z.object({ volumeId: id }))
    .mutation(({ ctx, input }) =>
      renewVolumeLeases(ctx.db, { ...input, projectId: ctx.projectId, userId: ctx.user.id }),
    ),
  saveObject: annotatorProcedure
    .input(
      z.object({
        volumeId: id,
        objectId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, - or _'),
        modelVersionId: id.nullish(),
        activeSeconds: z
          .number()
          .finite()
          .min(0)
          .max(24 * 3600)
          .default(0),
        slices: z
          .array(
            z.object({
              sliceIndex: z.number().int().min(0).max(100_000),
              finalRle: maskBytesBase64,
              proposalRle: maskBytesBase64.nullish(),
              origin: z.enum(['prompted', 'propagated', 'edited']),
              propagatedFrom: z.number().int().min(0).max(100_000).nullish(),
              clicks: count,
              brushStrokes: count,
            }),
          )
          .min(1)
          .max(4096),
        /** Slices where the annotator ended the object (no mask there). */
        ends: z.array(z.number().int().min(0).max(100_000)).max(4096).default([]),
      }),
    )
    .mutation(({ ctx, input }) =>
      saveVolumeObject(ctx.db, { ...input, projectId: ctx.projectId, userId: ctx.user.id }),
    ),
  removeObject: annotatorProcedure
    .input(z.object({ volumeId: id, objectId: z.string().min(1).max(64) }))
    .mutation(({ ctx, input }) =>
      removeVolumeObject(ctx.db, { ...input, projectId: ctx.projectId, userId: ctx.user.id }),
    ),
  finish: annotatorProcedure
    .input(
      z.object({
        volumeId: id,
        status: z.enum(['SUBMITTED', 'SKIPPED', 'FLAGGED']),
        flagReason: z.string().trim().min(1).max(500).optional(),
      }),
    )
    .mutation(({ ctx, input }) =>
      finishVolume(ctx.db, { ...input, projectId: ctx.projectId, userId: ctx.user.id }),
    ),
});
