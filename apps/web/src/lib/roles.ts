/** Project roles as Prisma's ProjectRole enum spells them (browser-safe copy of the union). */
export const PROJECT_ROLES = ['ANNOTATOR', 'REVIEWER', 'ADMIN'] as const;
export type ProjectRole = (typeof PROJECT_ROLES)[number];

const ROLE_RANK: Record<ProjectRole, number> = { ANNOTATOR: 1, REVIEWER: 2, ADMIN: 3 };

/** ADMIN > REVIEWER > ANNOTATOR: a higher role may do everything a lower one may. */
export function roleAtLeast(role: ProjectRole, minRole: ProjectRole): boolean {
  return ROLE_RANK[role] >= ROLE_RANK[minRole];
}
