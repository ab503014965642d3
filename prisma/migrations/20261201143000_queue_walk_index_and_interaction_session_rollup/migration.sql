-- DropIndex
DROP INDEX "Task_projectId_status_priority_idx";

-- CreateTable
CREATE TABLE "InteractionSession" (
    "projectId" TEXT NOT NULL,
    "taskId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "activeSeconds" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "prompts" INTEGER NOT NULL DEFAULT 0,
    "corrections" INTEGER NOT NULL DEFAULT 0,
    "events" INTEGER NOT NULL DEFAULT 0,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "InteractionSession_pkey" PRIMARY KEY ("taskId","userId")
);

-- CreateIndex
CREATE INDEX "InteractionSession_projectId_idx" ON "InteractionSession"("projectId");

-- CreateIndex
CREATE INDEX "InteractionSession_userId_idx" ON "InteractionSession"("userId");

-- CreateIndex
CREATE INDEX "Task_projectId_status_priority_createdAt_id_idx" ON "Task"("projectId", "status", "priority" DESC, "createdAt", "id");

-- AddForeignKey
ALTER TABLE "InteractionSession" ADD CONSTRAINT "InteractionSession_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "InteractionSession" ADD CONSTRAINT "InteractionSession_taskId_fkey" FOREIGN KEY ("taskId") REFERENCES "Task"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "InteractionSession" ADD CONSTRAINT "InteractionSession_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- InteractionSession is a rollup of InteractionEvent, kept by the triggers below (Prisma does not
-- model triggers; this SQL is the definition). Every statement that writes events recounts each
-- session (task, user) it touched from that session's events, with exactly the formula of the
-- dashboard's full scan (getMaskEfficiency, gaps capped at 60 s), so the rollup always equals it,
-- events arriving out of order included. A recount reads one session's events through the
-- (projectId, taskId, userId, clientTime) index: its cost does not grow with the project.
CREATE FUNCTION "loupe_recount_interaction_sessions"(project_ids TEXT[], task_ids TEXT[], user_ids TEXT[], create_missing BOOLEAN)
RETURNS VOID LANGUAGE plpgsql AS $$
BEGIN
  IF create_missing THEN
    -- Lock (creating when new) each touched session row first, in one order so two writers
    -- cannot deadlock: a concurrent writer to the same session waits here, and the recount below
    -- runs on a fresh snapshot that sees the other writer's committed events.
    INSERT INTO "InteractionSession" ("projectId", "taskId", "userId")
    SELECT DISTINCT k.project_id, k.task_id, k.user_id
    FROM unnest(project_ids, task_ids, user_ids) AS k(project_id, task_id, user_id)
    ORDER BY k.task_id, k.user_id
    ON CONFLICT ("taskId", "userId") DO UPDATE SET "updatedAt" = now();
  END IF;
  WITH keys AS (
    SELECT DISTINCT k.project_id, k.task_id, k.user_id
    FROM unnest(project_ids, task_ids, user_ids) AS k(project_id, task_id, user_id)
  ),
  ev AS (
    SELECT e."taskId", e."userId", e.type,
      date_part('epoch', e."clientTime" - LAG(
        CASE WHEN e.type IN ('IDLE_START', 'IMAGE_CLOSED') THEN NULL ELSE e."clientTime" END
      ) OVER w) AS gap
    FROM keys
    JOIN "InteractionEvent" e
      ON e."projectId" = keys.project_id AND e."taskId" = keys.task_id AND e."userId" = keys.user_id
    WINDOW w AS (PARTITION BY e."taskId", e."userId" ORDER BY e."clientTime")
  ),
  counted AS (
    SELECT "taskId", "userId",
      COALESCE(SUM(LEAST(GREATEST(gap, 0), 60::float8)), 0) AS active_seconds,
      COUNT(*) FILTER (WHERE type IN ('BOX', 'POSITIVE_POINT', 'NEGATIVE_POINT'))::int AS prompts,
      COUNT(*) FILTER (WHERE type IN ('BRUSH_STROKE', 'ERASER_STROKE'))::int AS corrections,
      COUNT(*)::int AS events
    FROM ev
    GROUP BY "taskId", "userId"
  )
  UPDATE "InteractionSession" AS s
  SET "activeSeconds" = counted.active_seconds,
      prompts = counted.prompts,
      corrections = counted.corrections,
      events = counted.events,
      "updatedAt" = now()
  FROM counted
  WHERE s."taskId" = counted."taskId" AND s."userId" = counted."userId";
  -- Sessions left without events (their events were deleted) are dropped.
  DELETE FROM "InteractionSession" AS s
  USING unnest(task_ids, user_ids) AS k(task_id, user_id)
  WHERE s."taskId" = k.task_id AND s."userId" = k.user_id
    AND NOT EXISTS (
      SELECT 1 FROM "InteractionEvent" e
      WHERE e."projectId" = s."projectId" AND e."taskId" = s."taskId" AND e."userId" = s."userId"
    );
END $$;

CREATE FUNCTION "loupe_interaction_sessions_after_insert"() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
  PERFORM "loupe_recount_interaction_sessions"(array_agg("projectId"), array_agg("taskId"), array_agg("userId"), TRUE)
  FROM touched_events;
  RETURN NULL;
END $$;

CREATE FUNCTION "loupe_interaction_sessions_after_delete"() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
  -- No rows are created here: a cascade from a deleted task or project also deletes its sessions.
  PERFORM "loupe_recount_interaction_sessions"(array_agg("projectId"), array_agg("taskId"), array_agg("userId"), FALSE)
  FROM touched_events;
  RETURN NULL;
END $$;

CREATE FUNCTION "loupe_interaction_sessions_after_update"() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
  -- Both the sessions the rows left and the ones they joined.
  PERFORM "loupe_recount_interaction_sessions"(array_agg(k."projectId"), array_agg(k."taskId"), array_agg(k."userId"), TRUE)
  FROM (
    SELECT "projectId", "taskId", "userId" FROM touched_events
    UNION SELECT "projectId", "taskId", "userId" FROM previous_events
  ) AS k;
  RETURN NULL;
END $$;

CREATE TRIGGER "InteractionEvent_sessions_after_insert" AFTER INSERT ON "InteractionEvent"
  REFERENCING NEW TABLE AS touched_events
  FOR EACH STATEMENT EXECUTE FUNCTION "loupe_interaction_sessions_after_insert"();
CREATE TRIGGER "InteractionEvent_sessions_after_delete" AFTER DELETE ON "InteractionEvent"
  REFERENCING OLD TABLE AS touched_events
  FOR EACH STATEMENT EXECUTE FUNCTION "loupe_interaction_sessions_after_delete"();
CREATE TRIGGER "InteractionEvent_sessions_after_update" AFTER UPDATE ON "InteractionEvent"
  REFERENCING NEW TABLE AS touched_events OLD TABLE AS previous_events
  FOR EACH STATEMENT EXECUTE FUNCTION "loupe_interaction_sessions_after_update"();

-- Sessions of the events already stored.
INSERT INTO "InteractionSession" ("projectId", "taskId", "userId")
SELECT DISTINCT "projectId", "taskId", "userId" FROM "InteractionEvent";
SELECT "loupe_recount_interaction_sessions"(array_agg("projectId"), array_agg("taskId"), array_agg("userId"), FALSE)
FROM (SELECT DISTINCT "projectId", "taskId", "userId" FROM "InteractionEvent") AS k;
