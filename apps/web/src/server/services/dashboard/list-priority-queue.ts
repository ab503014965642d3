/**
 * The top of a project's active-learning queue: unlabeled tasks nobody holds a live lease on,
 * highest priority first (the order annotators are served).
 */
import type { Db } from '@loupe/db';

export interface PriorityQueueRow {
  taskId: string;
  imageId: string;
  fileName: string;
  width: number;
  height: number;
  priority: number;
}

export async function listPriorityQueue(
  db: Db,
  projectId: string,
  limit = 12,
): Promise<PriorityQueueRow[]> {
  return db.$queryRaw<PriorityQueueRow[]>`
    SELECT t.id AS "taskId", t."imageId", i."fileName", i.width, i.height, t.priority
    FROM "Task" t
    JOIN "Image" i ON i.id = t."imageId"
    WHERE t."projectId" = ${projectId} AND t.status = 'UNLABELED'
      AND (t."leaseExpiresAt" IS NULL OR t."leaseExpiresAt" <= (now() AT TIME ZONE 'UTC'))
    ORDER BY t.priority DESC, t.id
    LIMIT ${limit}::int`;
}
