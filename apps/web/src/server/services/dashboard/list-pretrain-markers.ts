/**
 * MAE pretraining runs, placed on the learning curve's x axis (training labels): each sits at the
 * largest trainLabelCount of the model versions created before the run finished (0 before any).
 */
import type { Db } from '@loupe/db';

export interface PretrainMarker {
  runId: string;
  status: 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';
  imageCount: number;
  createdAt: Date;
  finishedAt: Date | null;
  trainLabelsAtRun: number;
}

export async function listPretrainMarkers(db: Db, projectId: string): Promise<PretrainMarker[]> {
  return db.$queryRaw<PretrainMarker[]>`
    SELECT r.id AS "runId", r.status::text AS status, r."imageCount", r."createdAt", r."finishedAt",
      COALESCE((
        SELECT MAX(mv."trainLabelCount") FROM "ModelVersion" mv
        WHERE mv."projectId" = r."projectId" AND mv."createdAt" <= COALESCE(r."finishedAt", r."createdAt")
      ), 0)::int AS "trainLabelsAtRun"
    FROM "TrainingRun" r
    WHERE r."projectId" = ${projectId} AND r.kind = 'MAE_PRETRAIN'
    ORDER BY r."createdAt", r.id`;
}
