import { interactionEventSchema, MAX_EVENTS_PER_BATCH } from '@loupe/contracts';
import { z } from 'zod';
import { recordEvents } from '../../services/events/record-events';
import { annotatorProcedure, createTRPCRouter } from '../trpc';

export const eventsRouter = createTRPCRouter({
  record: annotatorProcedure
    .input(
      z.object({
        taskId: z.string().min(1).max(64),
        events: z.array(interactionEventSchema).max(MAX_EVENTS_PER_BATCH),
      }),
    )
    .mutation(({ ctx, input }) =>
      recordEvents(ctx.db, { ...input, projectId: ctx.projectId, userId: ctx.user.id }),
    ),
});
