/**
 * Label efficiency of accepted masks, grouped by model version, by accepted-label count and by
 * annotator, in one pass over the project's InteractionEvent rows.
 *
 * Definitions (the dashboard's help text repeats them):
 * - A session is all events of one user on one task, ordered by client time.
 * - Active seconds of a session: the sum of the gaps between consecutive events, each capped at
 *   `idleSeconds`; a gap that starts at IDLE_START (user idle) or IMAGE_CLOSED (image not open)
 *   counts zero. Negative gaps (clock skew) count zero.
 * - Prompts: BOX, POSITIVE_POINT and NEGATIVE_POINT events; corrections: BRUSH_STROKE and
 *   ERASER_STROKE events.
 * - A session's seconds, prompts and corrections are shared equally by the interactive masks
 *   (Annotation rows, superseded ones included) that user accepted on that task. Time on tasks
 *   that ended without a mask (skipped, flagged) is not counted.
 * - Accepted-label buckets: masks numbered 1, 2, ... by acceptance time; bucket k holds masks
 *   k*size+1 .. (k+1)*size, with size = ceil(masks / targetPoints).
 *
 * Sessions come from the InteractionSession rollup, which triggers on InteractionEvent keep
 * current (recounting each touched session from its events), so a load reads one row per session,
 * not every event; other gap caps scan the events, which needs the InteractionEvent index
 * (projectId, taskId, userId, clientTime) to read them in window order without sorting. Gaps use date_part (float8), not EXTRACT, which
 * returns numeric since Postgres 14 and is several times slower over 100,000 rows.
 */
import { Prisma, type Db } from '@loupe/db';

export interface EfficiencyStats {
  masks: number;
  activeSeconds: number;
  secondsPerMask: number | null;
  promptsPerMask: number | null;
  correctionsPerMask: number | null;
  /** Share (0..1) of masks accepted exactly as proposed. */
  acceptedWithoutEditShare: number | null;
  /** Mean Dice / IoU between the proposal last shown and the accepted mask (masks with a proposal). */
  meanProposalDice: number | null;
  meanProposalIou: number | null;
  masksPerAnnotatorHour: number | null;
}

export interface EfficiencyByModelVersion extends EfficiencyStats {
  /** Null for masks made without a model proposal. */
  modelVersionId: string | null;
  version: number | null;
}

export interface EfficiencyByLabelCount extends EfficiencyStats {
  bucket: number;
  /** Ordinals (1-based, by acceptance time) of the first and last mask in the bucket. */
  firstLabel: number;
  lastLabel: number;
}

export interface EfficiencyByAnnotator extends EfficiencyStats {
  userId: string;
  name: string;
  email: string;
}

export interface MaskEfficiency {
  total: EfficiencyStats;
  byModelVersion: EfficiencyByModelVersion[];
  byLabelCount: EfficiencyByLabelCount[];
  byAnnotator: EfficiencyByAnnotator[];
  bucketSize: number;
  idleSeconds: number;
}

export interface MaskEfficiencyOptions {
  /** Gaps longer than this count as this many seconds (default 60). */
  idleSeconds?: number;
  /** About how many points the accepted-label chart gets (default 30). */
  targetPoints?: number;
  /**
   * Where sessions come from: the InteractionSession rollup (default, when idleSeconds is the
   * rollup's 60 s) or a full scan of the events ('events': any cap; the rollup's test compares).
   */
  source?: 'rollup' | 'events';
}

/** The gap cap the InteractionSession rollup is kept at (its migration's trigger function). */
export const ROLLUP_IDLE_SECONDS = 60;

/**
 * Sessions (taskId, userId, active_seconds, prompts, corrections) from every event of the
 * project: a window over the (projectId, taskId, userId, clientTime) index. The gap to the previous
 * event is NULL (not counted) when that event began an idle period or closed the image, and for a
 * session's first event.
 */
function sessionsFromEvents(projectId: string, idleSeconds: number): Prisma.Sql {
  return Prisma.sql`ev AS (
      SELECT e."taskId", e."userId", e.type,
        date_part('epoch', e."clientTime" - LAG(
          CASE WHEN e.type IN ('IDLE_START', 'IMAGE_CLOSED') THEN NULL ELSE e."clientTime" END
        ) OVER w) AS gap
      FROM "InteractionEvent" e
      WHERE e."projectId" = ${projectId}
      WINDOW w AS (PARTITION BY e."taskId", e."userId" ORDER BY e."clientTime")
    ),
    sessions AS (
      SELECT "taskId", "userId",
        COALESCE(SUM(LEAST(GREATEST(gap, 0), ${idleSeconds}::float8)), 0) AS active_seconds,
        COUNT(*) FILTER (WHERE type IN ('BOX', 'POSITIVE_POINT', 'NEGATIVE_POINT')) AS prompts,
        COUNT(*) FILTER (WHERE type IN ('BRUSH_STROKE', 'ERASER_STROKE')) AS corrections
      FROM ev
      GROUP BY "taskId", "userId"
    )`;
}

/** The same sessions, one row each, as the InteractionEvent triggers keep them. */
function sessionsFromRollup(projectId: string): Prisma.Sql {
  return Prisma.sql`sessions AS (
      SELECT s."taskId", s."userId", s."activeSeconds" AS active_seconds, s.prompts, s.corrections
      FROM "InteractionSession" s
      WHERE s."projectId" = ${projectId}
    )`;
}

interface Row {
  grouping: number;
  modelVersionId: string | null;
  version: number | null;
  bucket: number | null;
  firstLabel: number | null;
  lastLabel: number | null;
  bucketSize: number | null;
  userId: string | null;
  name: string | null;
  email: string | null;
  masks: number;
  activeSeconds: number;
  promptsPerMask: number | null;
  correctionsPerMask: number | null;
  acceptedWithoutEditShare: number | null;
  meanProposalDice: number | null;
  meanProposalIou: number | null;
}

// GROUPING("modelVersionId", bucket, "createdById"): a set bit means "not grouped by".
const BY_MODEL_VERSION = 0b011;
const BY_LABEL_BUCKET = 0b101;
const BY_ANNOTATOR = 0b110;
const TOTAL = 0b111;

export async function getMaskEfficiency(
  db: Db,
  projectId: string,
  options: MaskEfficiencyOptions = {},
): Promise<MaskEfficiency> {
  const idleSeconds = options.idleSeconds ?? 60;
  const targetPoints = options.targetPoints ?? 30;
  const sessions =
    idleSeconds === ROLLUP_IDLE_SECONDS && options.source !== 'events'
      ? sessionsFromRollup(projectId)
      : sessionsFromEvents(projectId, idleSeconds);
  const rows = await db.$queryRaw<Row[]>`
    WITH ${sessions},
    masks AS (
      SELECT a."taskId", a."createdById", a."modelVersionId", a."acceptedWithoutEdit",
        a."proposalDice", a."proposalIou",
        COUNT(*) OVER (PARTITION BY a."taskId", a."createdById") AS session_masks,
        ROW_NUMBER() OVER (ORDER BY a."createdAt", a.id) AS ordinal,
        GREATEST(1, CEIL(COUNT(*) OVER () / ${targetPoints}::float8))::int AS bucket_size
      FROM "Annotation" a
      WHERE a."projectId" = ${projectId} AND a.source = 'INTERACTIVE'
    ),
    effort AS (
      SELECT m.*,
        (m.ordinal - 1) / m.bucket_size AS bucket,
        COALESCE(s.active_seconds, 0) / m.session_masks AS active_seconds,
        COALESCE(s.prompts, 0)::float8 / m.session_masks AS prompts,
        COALESCE(s.corrections, 0)::float8 / m.session_masks AS corrections
      FROM masks m
      LEFT JOIN sessions s ON s."taskId" = m."taskId" AND s."userId" = m."createdById"
    ),
    agg AS (
      SELECT GROUPING(e."modelVersionId", e.bucket, e."createdById")::int AS grouping,
        e."modelVersionId", e.bucket, e."createdById",
        COUNT(*)::int AS masks,
        MIN(e.ordinal)::int AS first_label,
        MAX(e.ordinal)::int AS last_label,
        MAX(e.bucket_size)::int AS bucket_size,
        COALESCE(SUM(e.active_seconds), 0)::float8 AS active_seconds,
        AVG(e.prompts)::float8 AS prompts,
        AVG(e.corrections)::float8 AS corrections,
        AVG(e."acceptedWithoutEdit"::int)::float8 AS accepted_without_edit,
        AVG(e."proposalDice")::float8 AS dice,
        AVG(e."proposalIou")::float8 AS iou
      FROM effort e
      GROUP BY GROUPING SETS ((e."modelVersionId"), (e.bucket), (e."createdById"), ())
    )
    SELECT agg.grouping, agg."modelVersionId", mv.version, agg.bucket::int AS bucket,
      agg.first_label AS "firstLabel", agg.last_label AS "lastLabel", agg.bucket_size AS "bucketSize",
      agg."createdById" AS "userId", u.name, u.email,
      agg.masks, agg.active_seconds AS "activeSeconds",
      agg.prompts AS "promptsPerMask", agg.corrections AS "correctionsPerMask",
      agg.accepted_without_edit AS "acceptedWithoutEditShare",
      agg.dice AS "meanProposalDice", agg.iou AS "meanProposalIou"
    FROM agg
    LEFT JOIN "ModelVersion" mv ON mv.id = agg."modelVersionId"
    LEFT JOIN "User" u ON u.id = agg."createdById"
    ORDER BY agg.grouping, mv.version NULLS FIRST, agg.bucket, u.name, agg."createdById"`;

  const result: MaskEfficiency = {
    total: emptyStats(),
    byModelVersion: [],
    byLabelCount: [],
    byAnnotator: [],
    bucketSize: 1,
    idleSeconds,
  };
  for (const row of rows) {
    const stats = toStats(row);
    switch (row.grouping) {
      case TOTAL:
        // With no masks at all, GROUPING SETS still yields the empty total row (masks = 0).
        result.total = stats;
        result.bucketSize = row.bucketSize ?? 1;
        break;
      case BY_MODEL_VERSION:
        result.byModelVersion.push({
          modelVersionId: row.modelVersionId,
          version: row.version,
          ...stats,
        });
        break;
      case BY_LABEL_BUCKET:
        result.byLabelCount.push({
          bucket: row.bucket ?? 0,
          firstLabel: row.firstLabel ?? 0,
          lastLabel: row.lastLabel ?? 0,
          ...stats,
        });
        break;
      case BY_ANNOTATOR:
        result.byAnnotator.push({
          userId: row.userId ?? '',
          name: row.name ?? '(deleted user)',
          email: row.email ?? '',
          ...stats,
        });
        break;
      default:
        throw new Error(`getMaskEfficiency: unexpected grouping ${row.grouping}`);
    }
  }
  return result;
}

function toStats(row: Row): EfficiencyStats {
  const hasMasks = row.masks > 0;
  return {
    masks: row.masks,
    activeSeconds: row.activeSeconds,
    secondsPerMask: hasMasks ? row.activeSeconds / row.masks : null,
    promptsPerMask: row.promptsPerMask,
    correctionsPerMask: row.correctionsPerMask,
    acceptedWithoutEditShare: row.acceptedWithoutEditShare,
    meanProposalDice: row.meanProposalDice,
    meanProposalIou: row.meanProposalIou,
    masksPerAnnotatorHour: row.activeSeconds > 0 ? row.masks / (row.activeSeconds / 3600) : null,
  };
}

function emptyStats(): EfficiencyStats {
  return {
    masks: 0,
    activeSeconds: 0,
    secondsPerMask: null,
    promptsPerMask: null,
    correctionsPerMask: null,
    acceptedWithoutEditShare: null,
    meanProposalDice: null,
    meanProposalIou: null,
    masksPerAnnotatorHour: null,
  };
}
