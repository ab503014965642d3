import type { TaskStatus } from '../generated/prisma/enums';

/** What a lease call returns: the task row as it is after the lease was taken. */
export interface LeasedTask {
  id: string;
  projectId: string;
  imageId: string;
  status: TaskStatus;
  leaseHolderId: string;
  leaseExpiresAt: Date;
  priority: number;
  revision: number;
}

/** Columns every lease query returns (RETURNING list), matching LeasedTask. */
export const LEASED_TASK_COLUMNS =
  't."id", t."projectId", t."imageId", t."status"::text AS "status", t."leaseHolderId", t."leaseExpiresAt", t."priority", t."revision"';
