import { getActiveModelRef } from '../../services/models/get-active-model-ref';
import { annotatorProcedure, createTRPCRouter } from '../trpc';

export const modelsRouter = createTRPCRouter({
  /** The model this project serves now (the worker loads it; SSE announces the next one). */
  active: annotatorProcedure.query(({ ctx }) => getActiveModelRef(ctx.db, ctx.projectId)),
});
