/**
 * Every model version of a project with its validation metrics (the learning curve), lifecycle
 * (status, why a candidate was not promoted, promotion time) and, for promoted versions, how many
 * interactive masks had been accepted when it was promoted (where the label-count charts mark it).
 */
import type { Db } from '@loupe/db';

export type ModelStatusName = 'TRAINING' | 'CANDIDATE' | 'ACTIVE' | 'RETIRED' | 'FAILED';
export type TrainingKindName = 'MAE_PRETRAIN' | 'FINETUNE';

export interface ModelVersionRow {
  id: string;
  version: number;
  status: ModelStatusName;
  isActive: boolean;
  statusReason: string | null;
  valDice: number | null;
  valNoc90: number | null;
  trainLabelCount: number;
  /** Full validation metrics as the trainer wrote them ({ dice, iou, hd95, noc85, noc90, ... }). */
  metrics: Record<string, unknown>;
  parentVersion: number | null;
  /** Kind of the training run that produced this version, if any. */
  producedByKind: TrainingKindName | null;
  createdAt: Date;
  promotedAt: Date | null;
  retiredAt: Date | null;
  /** Interactive masks accepted up to the promotion (null when never promoted). */
  labelsAtPromotion: number | null;
}

export async function listModelVersions(db: Db, projectId: string): Promise<ModelVersionRow[]> {
  return db.$queryRaw<ModelVersionRow[]>`
    SELECT mv.id, mv.version, mv.status::text AS status,
      (p."activeModelVersionId" = mv.id) AS "isActive",
      mv."statusReason", mv."valDice", mv."valNoc90", mv."trainLabelCount", mv.metrics,
      parent.version AS "parentVersion",
      run.kind::text AS "producedByKind",
      mv."createdAt", mv."promotedAt", mv."retiredAt",
      CASE WHEN mv."promotedAt" IS NOT NULL THEN (
        SELECT COUNT(*)::int FROM "Annotation" a
        WHERE a."projectId" = mv."projectId" AND a.source = 'INTERACTIVE' AND a."createdAt" <= mv."promotedAt"
      ) END AS "labelsAtPromotion"
    FROM "ModelVersion" mv
    JOIN "Project" p ON p.id = mv."projectId"
    LEFT JOIN "ModelVersion" parent ON parent.id = mv."parentId"
    LEFT JOIN "TrainingRun" run ON run."resultModelVersionId" = mv.id
    WHERE mv."projectId" = ${projectId}
    ORDER BY mv.version`;
}
