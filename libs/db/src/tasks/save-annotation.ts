import { randomUUID } from 'node:crypto';
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
  /** Volume slices: prompted | propagated | edited (schema.prisma Annotation.sliceOrigin). */
  sliceOrigin?: string | null;
  propagatedFrom?: number | null;
  /** Volume objects: the slices where the object ends (schema.prisma Annotation.volumeEnds). */
  volumeEnds?: number[];
  /**
   * The client's id for this save, the same on every retry of it: a retry whose earlier attempt
   * had committed (the answer lost with the connection) gets that commit back, not a conflict.
   */
  clientSaveId?: string | null;
}

export interface SavedAnnotation {
  annotationId: string;
  /** Task.revision after this save; send it back as expectedRevision next time. */
  revision: number;
  /** True when this was a retry of a save already committed (nothing was written again). */
  replayed?: boolean;
}

/**
 * Saves one object's mask on a leased task, as ONE SQL statement: bump Task.revision only if the
 * caller holds a live lease (and, when given, the revision still matches), and upsert the
 * Annotation for (task, object) from the bumped row. A caller without the lease, or with a stale
 * revision, changes nothing and gets a typed error, so one annotator never overwrites another's
 * save. One statement instead of an interactive transaction: 50 concurrent saves held pooled
 * connections for four round trips each (p99 234 ms); as one statement, p99 ~50 ms.
 */
export async function saveAnnotation(
  db: PrismaClient,
  input: SaveAnnotationInput,
): Promise<SavedAnnotation> {
  const expectedRevision = input.expectedRevision ?? null;
  const saved = await db.$queryRaw<{ id: string; revision: number }[]>`
    WITH bumped AS (
      UPDATE "Task"
      SET "revision" = "revision" + 1, "updatedAt" = now()
      WHERE "id" = ${input.taskId}
        AND "status" = 'IN_PROGRESS'
        AND "leaseHolderId" = ${input.userId}
        AND "leaseExpiresAt" > now()
        AND (${expectedRevision}::int IS NULL OR "revision" = ${expectedRevision}::int)
      RETURNING "revision", "projectId", "imageId"
    )
    INSERT INTO "Annotation" (
      "id", "projectId", "taskId", "imageId", "objectId", "label", "createdById", "source",
      "width", "height", "finalRle", "proposalRle", "modelVersionId", "area",
      "bboxX0", "bboxY0", "bboxX1", "bboxY1", "editPixels", "proposalDice", "proposalIou",
      "clicks", "brushStrokes", "activeSeconds", "acceptedWithoutEdit", "sliceOrigin", "propagatedFrom",
      "volumeEnds", "clientSaveId"
    )
    SELECT
      ${randomUUID()}, bumped."projectId", ${input.taskId}, bumped."imageId", ${input.objectId},
      ${input.label ?? 'lesion'}, ${input.userId}, ${input.source ?? 'INTERACTIVE'}::"AnnotationSource",
      ${input.width}::int, ${input.height}::int, ${toBytes(input.finalRle)},
      ${input.proposalRle ? toBytes(input.proposalRle) : null}::bytea, ${input.modelVersionId ?? null},
      ${input.area}::int, ${input.bboxX0}::int, ${input.bboxY0}::int, ${input.bboxX1}::int, ${input.bboxY1}::int,
      ${input.editPixels ?? 0}::int, ${input.proposalDice ?? null}::float8, ${input.proposalIou ?? null}::float8,
      ${input.clicks ?? 0}::int, ${input.brushStrokes ?? 0}::int, ${input.activeSeconds ?? 0}::float8,
      ${input.acceptedWithoutEdit ?? false}::boolean, ${input.sliceOrigin ?? null}::text,
      ${input.propagatedFrom ?? null}::int, ${input.volumeEnds ?? []}::int[],
      ${input.clientSaveId ?? null}::text
    FROM bumped
    ON CONFLICT ("taskId", "objectId") DO UPDATE SET
      "label" = EXCLUDED."label", "createdById" = EXCLUDED."createdById", "source" = EXCLUDED."source",
      "width" = EXCLUDED."width", "height" = EXCLUDED."height", "finalRle" = EXCLUDED."finalRle",
      "proposalRle" = EXCLUDED."proposalRle", "modelVersionId" = EXCLUDED."modelVersionId",
      "area" = EXCLUDED."area", "bboxX0" = EXCLUDED."bboxX0", "bboxY0" = EXCLUDED."bboxY0",
      "bboxX1" = EXCLUDED."bboxX1", "bboxY1" = EXCLUDED."bboxY1", "editPixels" = EXCLUDED."editPixels",
      "proposalDice" = EXCLUDED."proposalDice", "proposalIou" = EXCLUDED."proposalIou",
      "clicks" = EXCLUDED."clicks", "brushStrokes" = EXCLUDED."brushStrokes",
      "activeSeconds" = EXCLUDED."activeSeconds", "acceptedWithoutEdit" = EXCLUDED."acceptedWithoutEdit",
      "sliceOrigin" = EXCLUDED."sliceOrigin", "propagatedFrom" = EXCLUDED."propagatedFrom",
      "volumeEnds" = EXCLUDED."volumeEnds", "clientSaveId" = EXCLUDED."clientSaveId", "supersededAt" = NULL
    RETURNING "id", (SELECT "revision" FROM bumped) AS "revision"`;
  const row = saved[0];
  if (row) return { annotationId: row.id, revision: row.revision };
  const earlier = await findEarlierCommit(db, input);
  if (earlier) return earlier;
  throw await explainRefusedSave(db, input);
}

/**
 * A refused save that is a retry of one already committed: the object's row still carries this
 * save's client id and author (no later save replaced it). Its revision is the task's current one,
 * which the client sends next (its saves go one at a time).
 */
async function findEarlierCommit(
  db: PrismaClient,
  input: SaveAnnotationInput,
): Promise<SavedAnnotation | null> {
  if (!input.clientSaveId) return null;
  const rows = await db.$queryRaw<{ id: string; revision: number }[]>`
    SELECT a."id", t."revision"
    FROM "Annotation" AS a JOIN "Task" AS t ON t."id" = a."taskId"
    WHERE a."taskId" = ${input.taskId} AND a."objectId" = ${input.objectId}
      AND a."clientSaveId" = ${input.clientSaveId} AND a."createdById" = ${input.userId}
      AND a."supersededAt" IS NULL`;
  const row = rows[0];
  return row ? { annotationId: row.id, revision: row.revision, replayed: true } : null;
}

/** Prisma's Bytes wants a Uint8Array backed by a plain ArrayBuffer. */
function toBytes(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(bytes);
}

async function explainRefusedSave(tx: PrismaClient, input: SaveAnnotationInput): Promise<DbError> {
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
