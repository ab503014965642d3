/**
 * Bulk seed for the dashboard benchmark and end-to-end test: one project with `events`
 * InteractionEvent rows (10 per labeling session), one accepted mask per session, model versions
 * with promotions, fine-tune and MAE pretraining runs with loss curves, reviews, leases and an
 * unlabeled queue. Everything is generated inside Postgres with generate_series, so 100,000
 * events take seconds, not minutes.
 *
 * Sessions get faster and proposals better as the label count grows, so the charts have a trend.
 */
import { Prisma, type Db } from '@loupe/db';

export interface BulkSeedOptions {
  /** Target number of InteractionEvent rows (rounded down to a multiple of 10). */
  events: number;
  /** Prefix of every generated id, so several seeds can share a database. */
  prefix?: string;
  annotators?: number;
  modelVersions?: number;
}

export interface BulkSeedResult {
  projectId: string;
  adminUserId: string;
  annotatorUserIds: string[];
  reviewerUserId: string;
  events: number;
  annotations: number;
  tasks: number;
  modelVersions: number;
  trainingRuns: number;
}

const EVENTS_PER_SESSION = 10;

export async function seedDashboardBulk(db: Db, options: BulkSeedOptions): Promise<BulkSeedResult> {
  const p = options.prefix ?? 'bench';
  const sessions = Math.max(12, Math.floor(options.events / EVENTS_PER_SESSION));
  const annotators = options.annotators ?? 8;
  const versions = Math.min(options.modelVersions ?? 12, sessions);
  const unlabeled = Math.max(20, Math.floor(sessions / 2));
  // The last version is a candidate that never served; the others served perVersion sessions each.
  const served = versions > 1 ? versions - 1 : 1;
  const perVersion = Math.ceil(sessions / served);
  const projectId = `${p}-project`;
  const adminUserId = `${p}-admin`;
  const reviewerUserId = `${p}-reviewer`;
  // Session i starts at t0 + i * 5 min; clocks are fixed so reruns are identical.
  const t0 = new Date('2026-01-05T08:00:00Z');

  await db.$transaction(
    async (tx) => {
      await tx.$executeRaw`
      INSERT INTO "User" (id, email, name, "passwordHash")
      SELECT u.id, u.id || '@bench.loupe', u.name, 'x'
      FROM (VALUES (${adminUserId}, 'Bench Admin'), (${reviewerUserId}, 'Bench Reviewer')) AS u(id, name)
      UNION ALL
      SELECT ${p} || '-annotator-' || g, ${p} || '-annotator-' || g || '@bench.loupe', 'Annotator ' || g, 'x'
      FROM generate_series(1, ${annotators}::int) AS g`;
      await tx.$executeRaw`
      INSERT INTO "Project" (id, slug, name, "updatedAt")
      VALUES (${projectId}, ${projectId}, 'Bench retina leakage', now())`;
      await tx.$executeRaw`
      INSERT INTO "Membership" ("userId", "projectId", role)
      SELECT ${adminUserId}, ${projectId}, 'ADMIN'::"ProjectRole"
      UNION ALL SELECT ${reviewerUserId}, ${projectId}, 'REVIEWER'::"ProjectRole"
      UNION ALL SELECT ${p} || '-annotator-' || g, ${projectId}, 'ANNOTATOR'::"ProjectRole"
      FROM generate_series(1, ${annotators}::int) AS g`;

      // Model versions 1..V: each promoted when the first mask it served was made; the last is a
      // candidate that failed the promotion gate, the one before it is active.
      await tx.$executeRaw`
      INSERT INTO "ModelVersion" (id, "projectId", version, status, "configName", config, metrics,
        "valDice", "valNoc90", "trainLabelCount", "statusReason", "createdAt", "promotedAt", "retiredAt")
      SELECT ${p} || '-mv-' || v, ${projectId}, v,
        (CASE WHEN v = ${versions}::int AND v > 1 THEN 'CANDIDATE'
              WHEN v = ${versions}::int - 1 OR ${versions}::int = 1 THEN 'ACTIVE'
              ELSE 'RETIRED' END)::"ModelStatus",
        'tiny', '{}'::jsonb,
        jsonb_build_object('dice', 0.55 + 0.35 * v / ${versions}::float8, 'noc90', 9 - 6.0 * v / ${versions}::float8),
        0.55 + 0.35 * v / ${versions}::float8 - CASE WHEN v = ${versions}::int THEN 0.05 ELSE 0 END,
        9 - 6.0 * v / ${versions}::float8 + CASE WHEN v = ${versions}::int THEN 1.5 ELSE 0 END,
        ((v - 1) * ${perVersion}::int * 4) / 5,
        CASE WHEN v = ${versions}::int AND v > 1 THEN 'NoC@90 regressed by 0.9 clicks (gate allows 0.5)' END,
        ${t0}::timestamp + ((v - 1) * ${perVersion}::int * interval '5 minutes') - interval '10 minutes',
        CASE WHEN v < ${versions}::int OR ${versions}::int = 1
             THEN ${t0}::timestamp + ((v - 1) * ${perVersion}::int * interval '5 minutes') - interval '1 minute' END,
        CASE WHEN v < ${versions}::int - 1 THEN ${t0}::timestamp + (v * ${perVersion}::int * interval '5 minutes') END
      FROM generate_series(1, ${versions}::int) AS v`;
      await tx.$executeRaw`
      UPDATE "Project" SET "activeModelVersionId" = ${p} || '-mv-' || GREATEST(1, ${versions}::int - 1)
      WHERE id = ${projectId}`;

      // Images and tasks: `sessions` labeled ones, then `unlabeled` waiting in the priority queue.
      await tx.$executeRaw`
      INSERT INTO "Image" (id, "projectId", "fileName", "mimeType", width, height, channels, "bitDepth",
        "storageKey", "pixelsKey", "thumbnailKey", "sizeBytes", sha256, "createdAt")
      SELECT ${p} || '-img-' || i, ${projectId}, 'fundus-' || lpad(i::text, 6, '0') || '.png', 'image/png',
        512, 512, 1, 8, 'blob-' || i, 'px-' || i, 'thumb-' || i, 1000, md5(${p} || i), ${t0}::timestamp
      FROM generate_series(1, ${sessions + unlabeled}::int) AS i`;
      await tx.$executeRaw`
      INSERT INTO "Task" (id, "projectId", "imageId", status, priority, "leaseHolderId", "leaseExpiresAt", "updatedAt")
      SELECT ${p} || '-task-' || i, ${projectId}, ${p} || '-img-' || i,
        (CASE WHEN i > ${sessions}::int + 5 THEN 'UNLABELED'
              WHEN i > ${sessions}::int THEN 'IN_PROGRESS'
              WHEN i % 10 = 0 THEN 'SENT_BACK'
              WHEN i % 3 = 0 THEN 'APPROVED'
              ELSE 'SUBMITTED' END)::"TaskStatus",
        CASE WHEN i > ${sessions}::int THEN ((i * 7919) % 1000) / 1000.0 ELSE 0 END,
        CASE WHEN i > ${sessions}::int AND i <= ${sessions}::int + 5
             THEN ${p} || '-annotator-' || (1 + i % ${annotators}::int) END,
        CASE WHEN i > ${sessions}::int AND i <= ${sessions}::int + 5 THEN (now() AT TIME ZONE 'UTC') + interval '10 minutes' END,
        now()
      FROM generate_series(1, ${sessions + unlabeled}::int) AS i`;

      // Ten events per session; `f` shrinks from 1.5 to 0.5 so later sessions are faster.
      await tx.$executeRaw`
      INSERT INTO "InteractionEvent" ("projectId", "taskId", "imageId", "userId", "objectId", type,
        "modelVersionId", "latencyMs", "clientTime")
      SELECT ${projectId}, ${p} || '-task-' || s.i, ${p} || '-img-' || s.i,
        ${p} || '-annotator-' || (1 + s.i % ${annotators}::int), 'obj-1', e.type::"InteractionType",
        CASE WHEN e.type = 'PROPOSAL_SHOWN' THEN ${p} || '-mv-' || (1 + (s.i - 1) / ${perVersion}::int) END,
        CASE WHEN e.type = 'PROPOSAL_SHOWN' THEN 40 + s.i % 30 END,
        ${t0}::timestamp + (s.i * interval '5 minutes')
          + (e.offset_s * (1.5 - s.i::float8 / ${sessions}::float8) + (s.i % 7) * e.k) * interval '1 second'
      FROM generate_series(1, ${sessions}::int) AS s(i)
      CROSS JOIN LATERAL (VALUES
        ('IMAGE_OPENED', 0, 0),
        ('BOX', 4, 1),
        ('PROPOSAL_SHOWN', 5, 1),
        (CASE WHEN s.i % 4 = 0 THEN 'NEGATIVE_POINT' ELSE 'POSITIVE_POINT' END, 12, 2),
        ('PROPOSAL_SHOWN', 13, 2),
        -- Later sessions more often just pick another of the model's masks instead of correcting.
        (CASE WHEN (s.i * 7919) % ${sessions}::int < s.i THEN 'MULTIMASK_SELECTED'
              WHEN s.i % 3 = 0 THEN 'BRUSH_STROKE' ELSE 'POSITIVE_POINT' END, 22, 3),
        ('IDLE_START', 30, 3),
        ('IDLE_END', 150, 3),
        ('ACCEPT', 160, 4),
        ('IMAGE_CLOSED', 161, 4)
      ) AS e(type, offset_s, k)`;

      // The share of masks accepted as proposed grows from 10% to 70% over the sessions.
      const noEdit = Prisma.sql`((i * 104729) % ${sessions}::int) < ${sessions}::int * (0.1 + 0.6 * i / ${sessions}::float8)`;
      await tx.$executeRaw`
      INSERT INTO "Annotation" (id, "projectId", "taskId", "imageId", "objectId", "createdById", width, height,
        "finalRle", "proposalRle", "modelVersionId", area, "bboxX0", "bboxY0", "bboxX1", "bboxY1", "editPixels",
        "proposalDice", "proposalIou", clicks, "brushStrokes", "activeSeconds", "acceptedWithoutEdit", "createdAt")
      SELECT ${p} || '-ann-' || i, ${projectId}, ${p} || '-task-' || i, ${p} || '-img-' || i, 'obj-1',
        ${p} || '-annotator-' || (1 + i % ${annotators}::int), 512, 512, '\\x00'::bytea, '\\x00'::bytea,
        ${p} || '-mv-' || (1 + (i - 1) / ${perVersion}::int), 900, 10, 10, 40, 40,
        CASE WHEN ${noEdit} THEN 0 ELSE 40 END,
        LEAST(1, 0.6 + 0.3 * i / ${sessions}::float8 + (${noEdit})::int * 0.1),
        LEAST(1, 0.45 + 0.35 * i / ${sessions}::float8 + (${noEdit})::int * 0.15),
        2, (i % 3 = 0)::int, 0, ${noEdit},
        ${t0}::timestamp + (i * interval '5 minutes') + (161 * (1.5 - i::float8 / ${sessions}::float8)) * interval '1 second'
      FROM generate_series(1, ${sessions}::int) AS i`;

      await tx.$executeRaw`
      INSERT INTO "Review" (id, "taskId", "reviewerId", decision, "createdAt")
      SELECT ${p} || '-review-' || i, ${p} || '-task-' || i, ${reviewerUserId},
        (CASE WHEN i % 10 = 0 THEN 'SENT_BACK' ELSE 'APPROVED' END)::"ReviewDecision",
        ${t0}::timestamp + (i * interval '5 minutes') + interval '1 hour'
      FROM generate_series(1, ${sessions}::int) AS i
      WHERE i % 3 = 0 OR i % 10 = 0`;

      // One fine-tune run per model version (the first after an MAE pretraining run), a second
      // pretraining run mid-way, a failed run and a running one.
      await tx.$executeRaw`
      INSERT INTO "TrainingRun" (id, "projectId", kind, status, trigger, "baseModelVersionId", "resultModelVersionId",
        "trainLabelCount", "valLabelCount", "imageCount", step, "totalSteps", epoch, "totalEpochs", progress,
        "lossHistory", error, "createdAt", "startedAt", "finishedAt")
      SELECT ${p} || '-run-' || v, ${projectId}, 'FINETUNE'::"TrainingKind", 'SUCCEEDED'::"RunStatus", 'auto',
        CASE WHEN v > 1 THEN ${p} || '-mv-' || (v - 1) END, ${p} || '-mv-' || v,
        ((v - 1) * ${perVersion}::int * 4) / 5, ((v - 1) * ${perVersion}::int) / 5, (v - 1) * ${perVersion}::int,
        200, 200, 4, 4, 1,
        (SELECT jsonb_agg(jsonb_build_object('step', st, 'epoch', 1 + (st - 1) / 50,
                  'loss', round((0.9 * exp(-st / 60.0) + 0.15 + 0.02 * sin(st + v))::numeric, 4)) ORDER BY st)
           FROM generate_series(1, 200) AS st),
        NULL,
        ${t0}::timestamp + ((v - 1) * ${perVersion}::int * interval '5 minutes') - interval '40 minutes',
        ${t0}::timestamp + ((v - 1) * ${perVersion}::int * interval '5 minutes') - interval '38 minutes',
        ${t0}::timestamp + ((v - 1) * ${perVersion}::int * interval '5 minutes') - interval '10 minutes'
      FROM generate_series(1, ${versions}::int) AS v
      UNION ALL
      SELECT ${p} || '-run-mae-' || m, ${projectId}, 'MAE_PRETRAIN'::"TrainingKind", 'SUCCEEDED'::"RunStatus", 'auto',
        NULL, NULL, 0, 0, ${sessions + unlabeled}::int, 500, 500, 20, 20, 1,
        (SELECT jsonb_agg(jsonb_build_object('step', st * 5, 'epoch', 1 + st / 5, 'loss', round((0.5 * exp(-st / 30.0) + 0.08)::numeric, 4)) ORDER BY st)
           FROM generate_series(1, 100) AS st),
        NULL,
        ${t0}::timestamp + ((m - 1) * (${versions}::int / 2) * ${perVersion}::int * interval '5 minutes') - interval '3 hours',
        ${t0}::timestamp + ((m - 1) * (${versions}::int / 2) * ${perVersion}::int * interval '5 minutes') - interval '179 minutes',
        ${t0}::timestamp + ((m - 1) * (${versions}::int / 2) * ${perVersion}::int * interval '5 minutes') - interval '50 minutes'
      FROM generate_series(1, 2) AS m
      UNION ALL
      SELECT ${p} || '-run-failed', ${projectId}, 'FINETUNE'::"TrainingKind", 'FAILED'::"RunStatus", 'manual',
        ${p} || '-mv-1', NULL, 10, 2, 12, 40, 200, 1, 4, 0.2,
        (SELECT jsonb_agg(jsonb_build_object('step', st, 'epoch', 1, 'loss', 0.9 - st * 0.001) ORDER BY st) FROM generate_series(1, 40) AS st),
        'CUDA-free worker ran out of memory at step 41',
        ${t0}::timestamp + interval '2 hours', ${t0}::timestamp + interval '2 hours 1 minute', ${t0}::timestamp + interval '2 hours 9 minutes'
      UNION ALL
      SELECT ${p} || '-run-live', ${projectId}, 'FINETUNE'::"TrainingKind", 'RUNNING'::"RunStatus", 'auto',
        ${p} || '-mv-' || GREATEST(1, ${versions}::int - 1), NULL, ${sessions}::int * 4 / 5, ${sessions}::int / 5, ${sessions}::int,
        120, 400, 2, 4, 0.3,
        (SELECT jsonb_agg(jsonb_build_object('step', st, 'epoch', 1 + (st - 1) / 100, 'loss', round((0.6 * exp(-st / 80.0) + 0.12)::numeric, 4)) ORDER BY st)
           FROM generate_series(1, 120) AS st),
        NULL, (now() AT TIME ZONE 'UTC') - interval '6 minutes', (now() AT TIME ZONE 'UTC') - interval '5 minutes', NULL`;
      // 100,000 events take a few seconds on a busy machine; the default 5 s would abort the seed.
    },
    { timeout: 300_000, maxWait: 30_000 },
  );

  const counts = await db.$queryRaw<
    { events: number; annotations: number; tasks: number; runs: number }[]
  >`
    SELECT (SELECT count(*)::int FROM "InteractionEvent" WHERE "projectId" = ${projectId}) AS events,
           (SELECT count(*)::int FROM "Annotation" WHERE "projectId" = ${projectId}) AS annotations,
           (SELECT count(*)::int FROM "Task" WHERE "projectId" = ${projectId}) AS tasks,
           (SELECT count(*)::int FROM "TrainingRun" WHERE "projectId" = ${projectId}) AS runs`;
  const row = counts[0];
  if (!row) throw new Error('seedDashboardBulk: count query returned no row');
  return {
    projectId,
    adminUserId,
    reviewerUserId,
    annotatorUserIds: Array.from({ length: annotators }, (_, k) => `${p}-annotator-${k + 1}`),
    events: row.events,
    annotations: row.annotations,
    tasks: row.tasks,
    modelVersions: versions,
    trainingRuns: row.runs,
  };
}
