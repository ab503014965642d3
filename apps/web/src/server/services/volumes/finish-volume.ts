import { renewLease, type Db } from '@loupe/db';
import { AppError } from '../../errors/app-error';
import { deleteObject } from '../annotations/delete-object';
import { finishLeasedTask } from '../tasks/finish-leased-task';

/** The slice tasks of a volume the caller holds now. */
async function heldSliceTasks(db: Db, projectId: string, volumeId: string, userId: string) {
  const tasks = await db.task.findMany({
    where: {
      projectId,
      image: { volumeId },
      status: 'IN_PROGRESS',
      leaseHolderId: userId,
    },
    select: { id: true },
  });
  if (tasks.length === 0)
    throw new AppError(
      'LEASE_EXPIRED',
      'You hold no slice of this volume any more; open it again to continue.',
    );
  return tasks;
}

/** Heartbeat of the volume page: renews the lease of every slice task the caller holds. */
export async function renewVolumeLeases(
  db: Db,
  input: { projectId: string; volumeId: string; userId: string },
) {
  const project = await db.project.findUniqueOrThrow({
    where: { id: input.projectId },
    select: { leaseSeconds: true },
  });
  const tasks = await heldSliceTasks(db, input.projectId, input.volumeId, input.userId);
  for (const task of tasks)
    await renewLease(db, {
      taskId: task.id,
      userId: input.userId,
      leaseSeconds: project.leaseSeconds,
    });
  return { renewed: tasks.length };
}

/**
 * Submits, skips or flags a volume: every slice task the caller holds moves on together. A submit needs
 * one accepted object somewhere in the volume; slices the objects do not reach are submitted as
 * labelled empty (within a volume, "no lesion on this slice" is an answer).
 */
export async function finishVolume(
  db: Db,
  input: {
    projectId: string;
    volumeId: string;
    userId: string;
    status: 'SUBMITTED' | 'SKIPPED' | 'FLAGGED';
    flagReason?: string;
  },
) {
  const tasks = await heldSliceTasks(db, input.projectId, input.volumeId, input.userId);
  if (input.status === 'SUBMITTED') {
    const objects = await db.annotation.count({
      where: {
        projectId: input.projectId,
        image: { volumeId: input.volumeId },
        supersededAt: null,
      },
    });
    if (objects === 0)
      throw new AppError(
        'BAD_INPUT',
        'Accept at least one object before submitting, or skip the volume.',
      );
  }
  for (const task of tasks)
    await finishLeasedTask(db, {
      projectId: input.projectId,
      taskId: task.id,
      userId: input.userId,
      status: input.status,
      ...(input.status === 'FLAGGED' ? { flagReason: input.flagReason ?? 'flagged' } : {}),
    });
  return { slices: tasks.length, status: input.status };
}

/** Removes one object from every slice of the volume the caller holds (discarding a 3-D mask). */
export async function removeVolumeObject(
  db: Db,
  input: { projectId: string; volumeId: string; userId: string; objectId: string },
) {
  const tasks = await db.task.findMany({
    where: {
      projectId: input.projectId,
      image: { volumeId: input.volumeId },
      annotations: { some: { objectId: input.objectId } },
    },
    select: { id: true },
  });
  let deleted = 0;
  for (const task of tasks)
    deleted += (
      await deleteObject(db, {
        projectId: input.projectId,
        taskId: task.id,
        userId: input.userId,
        objectId: input.objectId,
      })
    ).deleted;
  return { deleted };
}
