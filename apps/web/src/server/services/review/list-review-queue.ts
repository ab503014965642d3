import type { Db } from '@loupe/db';

/** Submitted tasks waiting for a reviewer, oldest first, plus recent decisions. */
export async function listReviewQueue(db: Db, projectId: string) {
  const taskSelect = {
    id: true,
    status: true,
    updatedAt: true,
    image: { select: { id: true, fileName: true, width: true, height: true } },
    annotations: {
      where: { supersededAt: null },
      select: { createdBy: { select: { name: true } } },
      take: 1,
    },
    _count: { select: { annotations: { where: { supersededAt: null } } } },
  } as const;
  const [pending, decided] = await Promise.all([
    db.task.findMany({
      where: { projectId, status: 'SUBMITTED' },
      orderBy: { updatedAt: 'asc' },
      take: 200,
      select: taskSelect,
    }),
    db.task.findMany({
      where: { projectId, status: { in: ['APPROVED', 'SENT_BACK'] } },
      orderBy: { updatedAt: 'desc' },
      take: 50,
      select: taskSelect,
    }),
  ]);
  return { pending, decided };
}
