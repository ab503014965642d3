/**
 * Task counts by status for one project, and the dashboard's three buckets: labeled (submitted or
 * approved), in progress (leased or sent back for rework), unlabeled; weakly labeled (tag or
 * box-only mode, no human mask), skipped and flagged apart.
 */
import type { Db } from '@loupe/db';

export const TASK_STATUSES = [
  'UNLABELED',
  'IN_PROGRESS',
  'SUBMITTED',
  'APPROVED',
  'SENT_BACK',
  'SKIPPED',
  'FLAGGED',
  'WEAK_LABELED',
] as const;
export type TaskStatusName = (typeof TASK_STATUSES)[number];

export interface QueueCounts {
  byStatus: Record<TaskStatusName, number>;
  labeled: number;
  inProgress: number;
  unlabeled: number;
  /** Tagged or boxed in a fast label mode (weak labels only). */
  weaklyLabeled: number;
  skippedOrFlagged: number;
  total: number;
  /** Tasks whose lease has not expired. */
  liveLeases: number;
}

export async function getQueueCounts(db: Db, projectId: string): Promise<QueueCounts> {
  const rows = await db.$queryRaw<{ status: TaskStatusName; tasks: number; liveLeases: number }[]>`
    SELECT t.status::text AS status, COUNT(*)::int AS tasks,
      COUNT(*) FILTER (WHERE t."leaseHolderId" IS NOT NULL AND t."leaseExpiresAt" > (now() AT TIME ZONE 'UTC'))::int AS "liveLeases"
    FROM "Task" t
    WHERE t."projectId" = ${projectId}
    GROUP BY t.status`;
  const byStatus = Object.fromEntries(TASK_STATUSES.map((s) => [s, 0])) as Record<
    TaskStatusName,
    number
  >;
  let liveLeases = 0;
  for (const row of rows) {
    byStatus[row.status] = row.tasks;
    liveLeases += row.liveLeases;
  }
  return {
    byStatus,
    labeled: byStatus.SUBMITTED + byStatus.APPROVED,
    inProgress: byStatus.IN_PROGRESS + byStatus.SENT_BACK,
    unlabeled: byStatus.UNLABELED,
    weaklyLabeled: byStatus.WEAK_LABELED,
    skippedOrFlagged: byStatus.SKIPPED + byStatus.FLAGGED,
    total: rows.reduce((sum, row) => sum + row.tasks, 0),
    liveLeases,
  };
}
