import { z } from 'zod';
import { uploadLimits } from '../../services/images/upload-limits';
import { importPacsSeries, pacsSeriesInput } from '../../services/pacs/import-pacs-series';
import { listSegTargets } from '../../services/pacs/list-seg-targets';
import {
  pacsConnectionInput,
  publicPacsConnection,
  savePacsConnection,
} from '../../services/pacs/pacs-connection';
import { pacsSearchInput, searchPacs } from '../../services/pacs/search-pacs';
import { sendSegToPacs } from '../../services/pacs/send-seg-to-pacs';
import { testPacsConnection } from '../../services/pacs/test-pacs-connection';
import { adminProcedure, createTRPCRouter } from '../trpc';

/** The project's DICOMweb PACS (admins only). No procedure returns the stored secret. */
export const pacsRouter = createTRPCRouter({
  connection: adminProcedure.query(({ ctx }) => publicPacsConnection(ctx.db, ctx.projectId)),
  saveConnection: adminProcedure
    .input(z.object({ connection: pacsConnectionInput }))
    .mutation(({ ctx, input }) => savePacsConnection(ctx.db, ctx.projectId, input.connection)),
  testConnection: adminProcedure.mutation(({ ctx }) => testPacsConnection(ctx.db, ctx.projectId)),
  search: adminProcedure
    .input(z.object({ query: pacsSearchInput }))
    .query(({ ctx, input }) => searchPacs(ctx.db, ctx.projectId, input.query)),
  importSeries: adminProcedure
    .input(z.object({ series: z.array(pacsSeriesInput).min(1).max(20) }))
    .mutation(({ ctx, input }) =>
      importPacsSeries(
        { db: ctx.db, blobs: ctx.stores.blobs },
        ctx.projectId,
        input.series,
        uploadLimits(),
      ),
    ),
  segTargets: adminProcedure.query(({ ctx }) => listSegTargets(ctx.db, ctx.projectId)),
  sendSeg: adminProcedure
    .input(
      z.object({
        target: z.union([
          z.object({ volumeId: z.string().min(1).max(64) }),
          z.object({ imageId: z.string().min(1).max(64) }),
        ]),
        approvedOnly: z.boolean().default(false),
      }),
    )
    .mutation(({ ctx, input }) =>
      sendSegToPacs({ db: ctx.db, blobs: ctx.stores.blobs }, ctx.projectId, input.target, {
        approvedOnly: input.approvedOnly,
      }),
    ),
});
