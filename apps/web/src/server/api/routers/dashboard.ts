/**
 * The project admin dashboard (issue 7): label efficiency, learning curve, training runs, queue
 * and annotators in one query, plus the training controls. Admin-only, every procedure.
 */
import { TRAINING_JOB_KINDS } from '@loupe/contracts';
import { z } from 'zod';
import { loadDashboard } from '../../services/dashboard/load-dashboard';
import { promoteCandidate } from '../../services/dashboard/promote-candidate';
import { rollBackModel } from '../../services/dashboard/roll-back-model';
import { startTrainingRound } from '../../services/dashboard/start-training-round';
import { adminProcedure, createTRPCRouter } from '../trpc';

export const dashboardRouter = createTRPCRouter({
  get: adminProcedure
    .input(
      z.object({
        idleSeconds: z.number().int().min(5).max(3600).default(60),
        targetPoints: z.number().int().min(2).max(200).default(30),
      }),
    )
    .query(({ ctx, input }) =>
      loadDashboard(ctx.db, ctx.projectId, {
        idleSeconds: input.idleSeconds,
        targetPoints: input.targetPoints,
      }),
    ),

  startRound: adminProcedure
    .input(z.object({ kind: z.enum(TRAINING_JOB_KINDS) }))
    .mutation(({ ctx, input }) =>
      startTrainingRound(ctx.db, {
        projectId: ctx.projectId,
        kind: input.kind,
        requestedById: ctx.user.id,
      }),
    ),

  promoteCandidate: adminProcedure
    .input(z.object({ modelVersionId: z.string().min(1).max(64) }))
    .mutation(({ ctx, input }) => promoteCandidate(ctx.db, ctx.projectId, input.modelVersionId)),

  rollback: adminProcedure
    .input(z.object({ version: z.number().int().positive() }))
    .mutation(({ ctx, input }) => rollBackModel(ctx.db, ctx.projectId, input.version)),
});
