import type { Db } from '@loupe/db';
import type { ProjectRole } from '../../../lib/roles';

/** The caller's role in a project, or null for non-members (and unknown projects). */
export async function getMembershipRole(db: Db, userId: string, projectId: string): Promise<ProjectRole | null> {
  const membership = await db.membership.findUnique({
    where: { userId_projectId: { userId, projectId } },
    select: { role: true },
  });
  return membership?.role ?? null;
}
