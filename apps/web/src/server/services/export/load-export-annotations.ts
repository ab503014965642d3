import type { Db } from '@loupe/db';
import { decodeMaskBytes, type Mask } from '@loupe/prompts';

export interface ExportImage {
  id: string;
  fileName: string;
  width: number;
  height: number;
  volumeId: string | null;
  sliceIndex: number | null;
  taskStatus: string | null;
  objects: {
    id: string;
    objectId: string;
    label: string;
    mask: Mask;
    area: number;
    bbox: [number, number, number, number];
    /** Volume slices: prompted / propagated / edited (Annotation.sliceOrigin); null on 2-D images. */
    sliceOrigin: string | null;
    propagatedFrom: number | null;
    /** Volume objects: the slices where the annotator ended the object (Annotation.volumeEnds). */
    volumeEnds: number[];
    modelVersionId: string | null;
  }[];
}

/**
 * Every image of the project with its current (not superseded) masks, decoded. `approvedOnly`
 * restricts to reviewer-approved tasks.
 */
export async function loadExportAnnotations(
  db: Db,
  projectId: string,
  options: { approvedOnly?: boolean } = {},
): Promise<ExportImage[]> {
  const images = await db.image.findMany({
    where: { projectId, ...(options.approvedOnly ? { task: { status: 'APPROVED' } } : {}) },
    orderBy: [{ createdAt: 'asc' }, { sliceIndex: 'asc' }, { id: 'asc' }],
    select: {
      id: true,
      fileName: true,
      width: true,
      height: true,
      volumeId: true,
      sliceIndex: true,
      task: { select: { status: true } },
      annotations: {
        where: { supersededAt: null },
        orderBy: { createdAt: 'asc' },
        select: {
          id: true,
          objectId: true,
          label: true,
          finalRle: true,
          area: true,
          bboxX0: true,
          bboxY0: true,
          bboxX1: true,
          bboxY1: true,
          sliceOrigin: true,
          propagatedFrom: true,
          volumeEnds: true,
          modelVersionId: true,
        },
      },
    },
  });
  return images.map((image) => ({
    id: image.id,
    fileName: image.fileName,
    width: image.width,
    height: image.height,
    volumeId: image.volumeId,
    sliceIndex: image.sliceIndex,
    taskStatus: image.task?.status ?? null,
    objects: image.annotations.map((a) => ({
      id: a.id,
      objectId: a.objectId,
      label: a.label,
      mask: decodeMaskBytes(new Uint8Array(a.finalRle)),
      area: a.area,
      bbox: [a.bboxX0, a.bboxY0, a.bboxX1 - a.bboxX0, a.bboxY1 - a.bboxY0],
      sliceOrigin: a.sliceOrigin,
      propagatedFrom: a.propagatedFrom,
      volumeEnds: a.volumeEnds,
      modelVersionId: a.modelVersionId,
    })),
  }));
}
