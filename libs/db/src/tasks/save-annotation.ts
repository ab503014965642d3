import type { AnnotationSource } from '../generated/prisma/enums';
import type { PrismaClient } from '../generated/prisma/client';
import { DbError, LeaseConflictError, StaleRevisionError } from '../errors/db-error';

export interface SaveAnnotationInput {
  taskId: string;
  userId: string;
  /** Task.revision the client loaded; omit to skip the check (the lease still protects the save). */
  expectedRevision?: number;
  /** Client-generated id of the object on the image (several objects per image). */
  objectId: string;
  label?: string;
  source?: AnnotationSource;
  width: number;
  height: number;
  /** Run-length bytes from libs/prompts' codec. */
  finalRle: Uint8Array;
  proposalRle?: Uint8Array | null;
  modelVersionId?: string | null;
  area: number;
  bboxX0: number;
  bboxY0: number;
  bboxX1: number;
  bboxY1: number;
  editPixels?: number;
  proposalDice?: number | null;
  proposalIou?: number | null;
  clicks?: number;
  brushStrokes?: number;
  activeSeconds?: number;
  acceptedWithoutEdit?: boolean;
}

export interface SavedAnnotation {
  annotationId: string;
  /** Task.revision after this save; send it back as expectedRevision next time. */
  revision: number;
}

/**
 * Saves one object's mask on a leased task. In one short transaction: bump Task.revision only if
 * the caller holds a live lease (and, when given, the revision still matches), then upsert the
 * Annotation for (task, object). A caller without the lease, or with a stale revision, changes
 * nothing and gets a typed error, so one annotator never overwrites another's save.
 */
export async function saveAnnotation(
  db: PrismaClient,
  input: SaveAnnotationInput,
): Promise<SavedAnnotation> {
  return db.$transaction(async (tx) => {
    const bumped = await tx.$queryRaw<{ revision: number; projectId: string; imageId: string }[]>`
      UPDATE "Task"
      SET "revision" = "revision" + 1, "updatedAt" = now()
      WHERE "id" = ${input.taskId}
        AND "status" = 'IN_PROGRESS'
        AND "leaseHolderId" = ${input.userId}
        AND "leaseExpiresAt" > now()
        AND (${input.expectedRevision ?? null}::int IS NULL OR "revision" = ${input.expectedRevision ?? null}::int)
      RETURNING "revision", "projectId", "imageId"`;
    const task = bumped[0];
    if (!task) throw await explainRefusedSave(tx, input);

    const stats = {
      label: input.label,
      source: input.source,
      width: input.width,
      height: input.height,
      finalRle: toBytes(input.finalRle),
      proposalRle: input.proposalRle ? toBytes(input.proposalRle) : null,
      modelVersionId: input.modelVersionId ?? null,
      area: input.area,
      bboxX0: input.bboxX0,
      bboxY0: input.bboxY0,
      bboxX1: input.bboxX1,
      bboxY1: input.bboxY1,
      editPixels: input.editPixels,
      proposalDice: input.proposalDice ?? null,
      proposalIou: input.proposalIou ?? null,
      clicks: input.clicks,
      brushStrokes: input.brushStrokes,
      activeSeconds: input.activeSeconds,
      acceptedWithoutEdit: input.acceptedWithoutEdit,
    };
    const annotation = await tx.annotation.upsert({
      where: { taskId_objectId: { taskId: input.taskId, objectId: input.objectId } },
      create: {
        ...stats,
        projectId: task.projectId,
        taskId: input.taskId,
        imageId: task.imageId,
        objectId: input.objectId,
        createdById: input.userId,
      },
      update: { ...stats, createdById: input.userId, supersededAt: null },
      select: { id: true },
    });
    return { annotationId: annotation.id, revision: task.revision };
  });
}

/** Prisma's Bytes wants a Uint8Array backed by a plain ArrayBuffer. */
function toBytes(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(bytes);
}

type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

async function explainRefusedSave(tx: Tx, input: SaveAnnotationInput): Promise<DbError> {
  const task = await tx.task.findUnique({
    where: { id: input.taskId },
    select: { status: true, leaseHolderId: true, leaseExpiresAt: true, revision: true },
  });
  if (!task) return new DbError('NOT_FOUND', `Task ${input.taskId} does not exist.`);
  const holdsLease = task.status === 'IN_PROGRESS' && task.leaseHolderId === input.userId;
  if (
    holdsLease &&
    input.expectedRevision !== undefined &&
    input.expectedRevision !== task.revision
  ) {
    return new StaleRevisionError(input.expectedRevision, task.revision);
  }
  if (holdsLease || (task.leaseHolderId === null && task.status === 'IN_PROGRESS')) {
    return new DbError(
      'LEASE_EXPIRED',
      `Your lease on task ${input.taskId} expired; open the task again to keep working.`,
    );
  }
  if (task.status !== 'IN_PROGRESS') {
    return new LeaseConflictError(
      `Task ${input.taskId} is ${task.status}; lease it before saving.`,
      task.leaseHolderId,
    );
  }
  return new LeaseConflictError(
    `Task ${input.taskId} is leased by someone else; your save was not written.`,
    task.leaseHolderId,
  );
}
