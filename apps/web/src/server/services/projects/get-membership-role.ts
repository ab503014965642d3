import type { Db } from '@loupe/db';
import type { ProjectRole } from '../../../lib/roles';
import { TtlCache } from '../../auth/ttl-cache';

/** Roles looked up in the last few seconds, per database client (a role change applies within this). */
const recentRoles = new WeakMap<Db, TtlCache<ProjectRole | null>>();
export const ROLE_CACHE_MS = 5_000;

/** Drops cached roles after a membership change made by this process. */
export function forgetMembershipRoles(db: Db): void {
  recentRoles.get(db)?.clear();
}

/** The caller's role in a project, or null for non-members (and unknown projects). */
export async function getMembershipRole(
  db: Db,
  userId: string,
  projectId: string,
): Promise<ProjectRole | null> {
  let cache = recentRoles.get(db);
  if (!cache) recentRoles.set(db, (cache = new TtlCache(ROLE_CACHE_MS)));
  const key = `${userId}:${projectId}`;
  const cached = cache.get(key);
  if (cached !== undefined) return cached;
  const membership = await db.membership.findUnique({
    where: { userId_projectId: { userId, projectId } },
    select: { role: true },
  });
  const role = membership?.role ?? null;
  cache.set(key, role);
  return role;
}
