/**
 * The latest training runs of a project: status, progress, duration, a loss curve downsampled in
 * SQL to at most `maxLossPoints` points (the last point always kept), and the model each produced
 * with the reason it was not promoted.
 */
import type { Db } from '@loupe/db';
import type { BoxRuleCheck } from '@loupe/prompts';
import type { ModelStatusName, TrainingKindName } from './list-model-versions';

export type RunStatusName = 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';

export interface LossPoint {
  step: number;
  loss: number;
}

export interface TrainingRunRow {
  id: string;
  kind: TrainingKindName;
  status: RunStatusName;
  trigger: string;
  requestedByName: string | null;
  progress: number;
  step: number;
  totalSteps: number;
  epoch: number;
  totalEpochs: number;
  etaSeconds: number | null;
  trainLabelCount: number;
  /** The label mix of trainLabelCount: human masks and pseudo-masks by source. */
  humanMaskCount: number;
  pseudoBoxCount: number;
  pseudoTagCount: number;
  pseudoSelfTrainingCount: number;
  /** Boxes that waited this round, and why (the box rule's check: libs/prompts check-box-rule.ts). */
  pseudoBoxWaiting: number;
  pseudoBoxCheck: BoxRuleCheck | null;
  /** Of pseudoBoxCount: boxes that trained as boxes (box-supervised) while the check failed. */
  pseudoBoxSupervised: number;
  valLabelCount: number;
  imageCount: number;
  error: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  /** finishedAt (or now, while running) minus startedAt; null before it starts. */
  durationSeconds: number | null;
  baseVersion: number | null;
  resultModelVersionId: string | null;
  resultVersion: number | null;
  resultStatus: ModelStatusName | null;
  resultStatusReason: string | null;
  resultValDice: number | null;
  resultValNoc90: number | null;
  lossPoints: number;
  loss: LossPoint[];
}

export interface ListTrainingRunsOptions {
  limit?: number;
  maxLossPoints?: number;
}

export async function listTrainingRuns(
  db: Db,
  projectId: string,
  options: ListTrainingRunsOptions = {},
): Promise<TrainingRunRow[]> {
  const limit = options.limit ?? 50;
  const maxLossPoints = options.maxLossPoints ?? 100;
  return db.$queryRaw<TrainingRunRow[]>`
    WITH runs AS (
      SELECT r.*,
        CASE WHEN jsonb_typeof(r."lossHistory") = 'array' THEN jsonb_array_length(r."lossHistory") ELSE 0 END AS n
      FROM "TrainingRun" r
      WHERE r."projectId" = ${projectId}
      ORDER BY r."createdAt" DESC, r.id DESC
      LIMIT ${limit}::int
    )
    SELECT r.id, r.kind::text AS kind, r.status::text AS status, r.trigger, u.name AS "requestedByName",
      r.progress, r.step, r."totalSteps", r.epoch, r."totalEpochs", r."etaSeconds",
      r."trainLabelCount", r."humanMaskCount", r."pseudoBoxCount", r."pseudoTagCount",
      r."pseudoSelfTrainingCount", r."pseudoBoxWaiting", r."pseudoBoxCheck", r."pseudoBoxSupervised", r."valLabelCount", r."imageCount", r.error,
      r."createdAt", r."startedAt", r."finishedAt",
      EXTRACT(EPOCH FROM COALESCE(r."finishedAt", (now() AT TIME ZONE 'UTC')) - r."startedAt")::float8 AS "durationSeconds",
      base.version AS "baseVersion",
      res.id AS "resultModelVersionId", res.version AS "resultVersion", res.status::text AS "resultStatus",
      res."statusReason" AS "resultStatusReason", res."valDice" AS "resultValDice", res."valNoc90" AS "resultValNoc90",
      r.n::int AS "lossPoints",
      COALESCE((
        SELECT jsonb_agg(jsonb_build_object(
          -- A point without a numeric step is placed at its position in the history.
          'step', CASE WHEN jsonb_typeof(x.elem->'step') = 'number' THEN (x.elem->>'step')::float8 ELSE x.i END,
          'loss', (x.elem->>'loss')::float8) ORDER BY x.i)
        FROM jsonb_array_elements(CASE WHEN r.n > 0 THEN r."lossHistory" ELSE '[]'::jsonb END) WITH ORDINALITY AS x(elem, i)
        WHERE jsonb_typeof(x.elem->'loss') = 'number'
          AND ((x.i - 1) % GREATEST(1, CEIL(r.n / ${maxLossPoints}::float8)::int) = 0 OR x.i = r.n)
      ), '[]'::jsonb) AS loss
    FROM runs r
    LEFT JOIN "User" u ON u.id = r."requestedById"
    LEFT JOIN "ModelVersion" base ON base.id = r."baseModelVersionId"
    LEFT JOIN "ModelVersion" res ON res.id = r."resultModelVersionId"
    ORDER BY r."createdAt" DESC, r.id DESC`;
}
