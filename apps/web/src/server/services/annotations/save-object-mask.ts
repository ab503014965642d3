/**
 * Saves one accepted object: the mask and the model's proposal arrive as libs/prompts mask bytes
 * (run-length). The server decodes them (malformed bytes are refused), checks they match the
 * image, computes area, bounding box and edit statistics itself (on the runs: the cost follows
 * the mask's outline, not the image's pixels), checks the serving model version,
 * and writes through libs/db saveAnnotation (live lease + revision check, one transaction). An
 * 'absent' tag on the image is superseded afterwards: the human mask wins.
 */
import { saveAnnotation, type Db } from '@loupe/db';
import {
  decodeMaskRuns,
  runsArea,
  runsBoundingBox,
  runsIntersectionArea,
  type MaskRuns,
} from '@loupe/prompts';
import { AppError } from '../../errors/app-error';
import { assertServingModel } from '../models/check-serving-model';
import { supersedeAbsentTag } from '../weak-labels/supersede-absent-tag';

export interface SaveObjectMaskInput {
  projectId: string;
  taskId: string;
  userId: string;
  objectId: string;
  expectedRevision?: number;
  /** Mask bytes (libs/prompts encodeMaskBytes), base64. */
  finalRle: string;
  proposalRle?: string | null;
  modelVersionId?: string | null;
  clicks: number;
  brushStrokes: number;
  activeSeconds: number;
  /** Volume slices: how the mask came to be (prompted | propagated | edited). */
  sliceOrigin?: 'prompted' | 'propagated' | 'edited' | null;
  propagatedFrom?: number | null;
  /** Volume objects: the slices where the object ends (Annotation.volumeEnds). */
  volumeEnds?: number[];
  /** The client's id for this save, the same on its retries (libs/db saveAnnotation). */
  clientSaveId?: string | null;
}

function decodeBase64Mask(base64: string, field: string): { mask: MaskRuns; bytes: Uint8Array } {
  const bytes = new Uint8Array(Buffer.from(base64, 'base64'));
  if (bytes.length === 0)
    throw new AppError('BAD_INPUT', `${field}: not base64 mask bytes.`, { field });
  try {
    return { mask: decodeMaskRuns(bytes), bytes };
  } catch (error) {
    throw new AppError(
      'BAD_INPUT',
      `${field}: ${(error as Error).message}`,
      { field },
      { cause: error },
    );
  }
}

interface SaveContextRow {
  imageId: string;
  width: number;
  height: number;
  objectLabel: string;
  modelVersion: number | null;
  modelStatus: string | null;
  modelRetiredAt: Date | null;
}

export async function saveObjectMask(db: Db, input: SaveObjectMaskInput) {
  // One round trip for everything the checks need: saves are the hot path under load.
  const rows = await db.$queryRaw<SaveContextRow[]>`
    SELECT i."id" AS "imageId", i."width", i."height", p."objectLabel",
           m."version" AS "modelVersion", m."status"::text AS "modelStatus", m."retiredAt" AS "modelRetiredAt"
    FROM "Task" AS t
    JOIN "Image" AS i ON i."id" = t."imageId"
    JOIN "Project" AS p ON p."id" = t."projectId"
    LEFT JOIN "ModelVersion" AS m ON m."id" = ${input.modelVersionId ?? ''} AND m."projectId" = t."projectId"
    WHERE t."id" = ${input.taskId} AND t."projectId" = ${input.projectId}`;
  const task = rows[0];
  if (!task) throw new AppError('NOT_FOUND', 'Task not found in this project.');
  const { width, height } = task;

  const final = decodeBase64Mask(input.finalRle, 'finalRle');
  if (final.mask.width !== width || final.mask.height !== height)
    throw new AppError(
      'BAD_INPUT',
      `finalRle: mask is ${final.mask.width}x${final.mask.height} but the image is ${width}x${height}.`,
      {
        field: 'finalRle',
      },
    );
  const area = runsArea(final.mask);
  if (area === 0)
    throw new AppError(
      'BAD_INPUT',
      'finalRle: the mask is empty; draw or accept a non-empty mask.',
      { field: 'finalRle' },
    );
  const proposal = input.proposalRle ? decodeBase64Mask(input.proposalRle, 'proposalRle') : null;
  if (proposal && (proposal.mask.width !== width || proposal.mask.height !== height))
    throw new AppError(
      'BAD_INPUT',
      `proposalRle: mask is ${proposal.mask.width}x${proposal.mask.height} but the image is ${width}x${height}.`,
      {
        field: 'proposalRle',
      },
    );
  if (input.modelVersionId)
    assertServingModel(
      task.modelVersion === null
        ? null
        : {
            version: task.modelVersion,
            status: task.modelStatus ?? '',
            retiredAt: task.modelRetiredAt,
          },
      input.modelVersionId,
    );
  if (proposal && !input.modelVersionId)
    throw new AppError(
      'BAD_INPUT',
      'modelVersionId: a proposal must name the model version that made it.',
      { field: 'modelVersionId' },
    );

  const box = runsBoundingBox(final.mask);
  if (!box) throw new AppError('BAD_INPUT', 'finalRle: the mask is empty.');
  // One pass each for the proposal's area and the overlap; dice, IoU and edits follow from them.
  const proposalArea = proposal ? runsArea(proposal.mask) : 0;
  const overlap = proposal ? runsIntersectionArea(proposal.mask, final.mask) : 0;
  const editPixels = proposal ? proposalArea + area - 2 * overlap : 0;
  const saved = await saveAnnotation(db, {
    taskId: input.taskId,
    userId: input.userId,
    ...(input.expectedRevision !== undefined ? { expectedRevision: input.expectedRevision } : {}),
    objectId: input.objectId,
    label: task.objectLabel,
    width,
    height,
    finalRle: final.bytes,
    proposalRle: proposal?.bytes ?? null,
    modelVersionId: input.modelVersionId ?? null,
    area,
    bboxX0: box.x0,
    bboxY0: box.y0,
    bboxX1: box.x1,
    bboxY1: box.y1,
    editPixels,
    proposalDice: proposal ? (2 * overlap) / (proposalArea + area) : null,
    proposalIou: proposal ? overlap / (proposalArea + area - overlap) : null,
    clicks: input.clicks,
    brushStrokes: input.brushStrokes,
    activeSeconds: input.activeSeconds,
    acceptedWithoutEdit: proposal !== null && editPixels === 0 && input.brushStrokes === 0,
    sliceOrigin: input.sliceOrigin ?? null,
    propagatedFrom: input.propagatedFrom ?? null,
    volumeEnds: input.volumeEnds ?? [],
    clientSaveId: input.clientSaveId ?? null,
  });
  // The human mask wins over an earlier 'absent' tag on the image (documented in apply-image-tags).
  await supersedeAbsentTag(db, task.imageId);
  return { ...saved, area, editPixels };
}
