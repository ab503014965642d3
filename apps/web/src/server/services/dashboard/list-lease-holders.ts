/** Who holds live task leases in a project, with how many tasks and until when. */
import type { Db } from '@loupe/db';

export interface LeaseHolderRow {
  userId: string;
  name: string;
  email: string;
  tasks: number;
  firstExpiresAt: Date;
  lastExpiresAt: Date;
}

export async function listLeaseHolders(db: Db, projectId: string): Promise<LeaseHolderRow[]> {
  return db.$queryRaw<LeaseHolderRow[]>`
    SELECT u.id AS "userId", u.name, u.email, COUNT(*)::int AS tasks,
      MIN(t."leaseExpiresAt") AS "firstExpiresAt", MAX(t."leaseExpiresAt") AS "lastExpiresAt"
    FROM "Task" t
    JOIN "User" u ON u.id = t."leaseHolderId"
    WHERE t."projectId" = ${projectId} AND t."leaseExpiresAt" > (now() AT TIME ZONE 'UTC')
    GROUP BY u.id, u.name, u.email
    ORDER BY tasks DESC, u.name`;
}
