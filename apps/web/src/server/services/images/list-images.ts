import type { Db } from '@loupe/db';

export interface ListImagesInput {
  projectId: string;
  page: number;
  pageSize: number;
  status?: string | undefined;
}

/** A page of the project's images with their task state, newest volumes' slices kept in order. */
export async function listImages(db: Db, input: ListImagesInput) {
  const where = {
    projectId: input.projectId,
    ...(input.status ? { task: { status: input.status as 'UNLABELED' } } : {}),
  };
  const [total, images] = await Promise.all([
    db.image.count({ where }),
    db.image.findMany({
      where,
      orderBy: [{ createdAt: 'asc' }, { sliceIndex: 'asc' }, { id: 'asc' }],
      skip: input.page * input.pageSize,
      take: input.pageSize,
      select: {
        id: true,
        fileName: true,
        mimeType: true,
        width: true,
        height: true,
        bitDepth: true,
        sliceIndex: true,
        volumeId: true,
        createdAt: true,
        task: {
          select: {
            id: true,
            status: true,
            priority: true,
            leaseExpiresAt: true,
            leaseHolder: { select: { name: true } },
            _count: { select: { annotations: { where: { supersededAt: null } } } },
          },
        },
      },
    }),
  ]);
  return { total, images };
}
