import type { Db } from '@loupe/db';
import { AppError } from '../../errors/app-error';
import { sampleWindow } from '../images/sample-window';

/** Everything the annotate and review pages need about one task (masks as base64 RLE bytes). */
export async function getTaskView(db: Db, projectId: string, taskId: string) {
  const task = await db.task.findFirst({
    where: { id: taskId, projectId },
    select: {
      id: true,
      status: true,
      revision: true,
      priority: true,
      leaseHolderId: true,
      leaseExpiresAt: true,
      flagReason: true,
      image: {
        select: {
          id: true,
          fileName: true,
          mimeType: true,
          width: true,
          height: true,
          bitDepth: true,
          channels: true,
          sliceIndex: true,
          valueSlope: true,
          valueIntercept: true,
          valueUnit: true,
          windowCenter: true,
          windowWidth: true,
          volume: { select: { id: true, name: true, depth: true } },
        },
      },
      annotations: {
        where: { supersededAt: null },
        orderBy: { createdAt: 'asc' },
        select: {
          id: true,
          objectId: true,
          label: true,
          width: true,
          height: true,
          finalRle: true,
          modelVersionId: true,
          area: true,
          createdBy: { select: { id: true, name: true } },
          createdAt: true,
        },
      },
      reviews: {
        orderBy: { createdAt: 'desc' },
        take: 5,
        select: {
          id: true,
          decision: true,
          comment: true,
          createdAt: true,
          reviewer: { select: { name: true } },
        },
      },
    },
  });
  if (!task) throw new AppError('NOT_FOUND', 'Task not found in this project.');
  return {
    ...task,
    // The file's own window (e.g. DICOM VOI) as the viewer's default, in sample units.
    image: { ...task.image, defaultWindow: sampleWindow(task.image) },
    annotations: task.annotations.map(({ finalRle, ...a }) => ({
      ...a,
      finalRle: Buffer.from(finalRle).toString('base64'),
    })),
  };
}

export type TaskView = Awaited<ReturnType<typeof getTaskView>>;
