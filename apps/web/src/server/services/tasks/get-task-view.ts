import type { Db, ReviewDecision, TaskStatus } from '@loupe/db';
import { AppError } from '../../errors/app-error';
import { sampleWindow } from '../images/sample-window';

export interface TaskView {
  id: string;
  status: TaskStatus;
  revision: number;
  priority: number;
  leaseHolderId: string | null;
  leaseExpiresAt: Date | null;
  flagReason: string | null;
  image: {
    id: string;
    fileName: string;
    mimeType: string;
    width: number;
    height: number;
    bitDepth: number;
    channels: number;
    sliceIndex: number | null;
    valueSlope: number;
    valueIntercept: number;
    valueUnit: string | null;
    windowCenter: number | null;
    windowWidth: number | null;
    volume: { id: string; name: string; depth: number } | null;
    /** The file's own window (e.g. DICOM VOI) as the viewer's default, in sample units. */
    defaultWindow: { center: number; width: number } | null;
  };
  /** Current (not superseded) masks, oldest first; finalRle as base64 RLE bytes. */
  annotations: {
    id: string;
    objectId: string;
    label: string;
    width: number;
    height: number;
    finalRle: string;
    modelVersionId: string | null;
    area: number;
    createdBy: { id: string; name: string };
    createdAt: Date;
  }[];
  /** The last five reviews, newest first. */
  reviews: {
    id: string;
    decision: ReviewDecision;
    comment: string;
    createdAt: Date;
    reviewer: { name: string };
  }[];
}

interface Row extends Omit<TaskView, 'image' | 'annotations' | 'reviews'> {
  image: Omit<TaskView['image'], 'defaultWindow'>;
  annotations: (Omit<TaskView['annotations'][number], 'createdAt'> & { createdAt: string })[];
  reviews: (Omit<TaskView['reviews'][number], 'createdAt'> & { createdAt: string })[];
}

/** Timestamps inside json_build_object are UTC without a zone (timestamp(3) columns). */
const utc = (timestamp: string) => new Date(`${timestamp}Z`);

/**
 * Everything the annotate and review pages need about one task (masks as base64 RLE bytes), in
 * one statement: "next image" serves it on every lease, and the nested Prisma include it replaced
 * took seven round trips (task, image, volume, masks, their authors, reviews, reviewers).
 */
export async function getTaskView(db: Db, projectId: string, taskId: string): Promise<TaskView> {
  const rows = await db.$queryRaw<Row[]>`
    SELECT t.id, t.status::text AS status, t.revision, t.priority, t."leaseHolderId",
      t."leaseExpiresAt", t."flagReason",
      json_build_object(
        'id', i.id, 'fileName', i."fileName", 'mimeType', i."mimeType", 'width', i.width,
        'height', i.height, 'bitDepth', i."bitDepth", 'channels', i.channels,
        'sliceIndex', i."sliceIndex", 'valueSlope', i."valueSlope",
        'valueIntercept', i."valueIntercept", 'valueUnit', i."valueUnit",
        'windowCenter', i."windowCenter", 'windowWidth', i."windowWidth",
        'volume', CASE WHEN v.id IS NULL THEN NULL
          ELSE json_build_object('id', v.id, 'name', v.name, 'depth', v.depth) END
      ) AS image,
      COALESCE((
        SELECT json_agg(json_build_object(
          'id', a.id, 'objectId', a."objectId", 'label', a.label, 'width', a.width,
          'height', a.height,
          -- encode() breaks base64 lines every 76 characters.
          'finalRle', translate(encode(a."finalRle", 'base64'), E'\n', ''),
          'modelVersionId', a."modelVersionId", 'area', a.area,
          'createdBy', json_build_object('id', u.id, 'name', u.name),
          'createdAt', a."createdAt"
        ) ORDER BY a."createdAt", a.id)
        FROM "Annotation" a
        JOIN "User" u ON u.id = a."createdById"
        WHERE a."taskId" = t.id AND a."supersededAt" IS NULL
      ), '[]'::json) AS annotations,
      COALESCE((
        SELECT json_agg(json_build_object(
          'id', r.id, 'decision', r.decision, 'comment', r.comment, 'createdAt', r."createdAt",
          'reviewer', json_build_object('name', u.name)
        ) ORDER BY r."createdAt" DESC, r.id DESC)
        FROM (
          SELECT * FROM "Review" r WHERE r."taskId" = t.id
          ORDER BY r."createdAt" DESC, r.id DESC LIMIT 5
        ) r
        JOIN "User" u ON u.id = r."reviewerId"
      ), '[]'::json) AS reviews
    FROM "Task" t
    JOIN "Image" i ON i.id = t."imageId"
    LEFT JOIN "Volume" v ON v.id = i."volumeId"
    WHERE t.id = ${taskId} AND t."projectId" = ${projectId}`;
  const task = rows[0];
  if (!task) throw new AppError('NOT_FOUND', 'Task not found in this project.');
  return {
    ...task,
    image: { ...task.image, defaultWindow: sampleWindow(task.image) },
    annotations: task.annotations.map((a) => ({ ...a, createdAt: utc(a.createdAt) })),
    reviews: task.reviews.map((r) => ({ ...r, createdAt: utc(r.createdAt) })),
  };
}
