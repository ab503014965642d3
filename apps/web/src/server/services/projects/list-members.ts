import type { Db } from '@loupe/db';

export async function listMembers(db: Db, projectId: string) {
  return db.membership.findMany({
    where: { projectId },
    orderBy: { createdAt: 'asc' },
    select: { role: true, user: { select: { id: true, email: true, name: true } } },
  });
}
