/**
 * Review decisions on the tasks each annotator labeled interactively in a project. A task counts once per
 * annotator who accepted a mask on it, however many masks they made there.
 */
import type { Db } from '@loupe/db';

export interface ReviewOutcomeRow {
  userId: string;
  reviews: number;
  approved: number;
  sentBack: number;
}

export async function getReviewOutcomes(db: Db, projectId: string): Promise<ReviewOutcomeRow[]> {
  return db.$queryRaw<ReviewOutcomeRow[]>`
    WITH labeled AS (
      SELECT DISTINCT a."taskId", a."createdById"
      FROM "Annotation" a
      WHERE a."projectId" = ${projectId} AND a.source = 'INTERACTIVE'
    )
    SELECT l."createdById" AS "userId", COUNT(*)::int AS reviews,
      COUNT(*) FILTER (WHERE r.decision = 'APPROVED')::int AS approved,
      COUNT(*) FILTER (WHERE r.decision = 'SENT_BACK')::int AS "sentBack"
    FROM labeled l
    JOIN "Review" r ON r."taskId" = l."taskId"
    GROUP BY l."createdById"
    ORDER BY l."createdById"`;
}
