/** Stores an accepted mask on an image directly (no lease), for export tests. */
import type { Db } from '@loupe/db';
import { encodeMaskBytes, type Mask } from '@loupe/prompts';

export async function saveTestMask(
  db: Db,
  input: {
    projectId: string;
    imageId: string;
    userId: string;
    objectId: string;
    mask: Mask;
    label?: string;
    /** Volume slices: provenance as the volume save writes it. */
    sliceOrigin?: 'prompted' | 'propagated' | 'edited';
    propagatedFrom?: number;
    volumeEnds?: number[];
  },
): Promise<void> {
  const task = await db.task.findUniqueOrThrow({
    where: { imageId: input.imageId },
    select: { id: true },
  });
  const { width, height, data } = input.mask;
  let area = 0;
  let x0 = width;
  let y0 = height;
  let x1 = 0;
  let y1 = 0;
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      if (data[y * width + x]) {
        area++;
        x0 = Math.min(x0, x);
        y0 = Math.min(y0, y);
        x1 = Math.max(x1, x + 1);
        y1 = Math.max(y1, y + 1);
      }
  await db.annotation.create({
    data: {
      projectId: input.projectId,
      taskId: task.id,
      imageId: input.imageId,
      objectId: input.objectId,
      label: input.label ?? 'lesion',
      createdById: input.userId,
      width,
      height,
      finalRle: Buffer.from(encodeMaskBytes(input.mask)),
      area,
      bboxX0: x0,
      bboxY0: y0,
      bboxX1: x1,
      bboxY1: y1,
      sliceOrigin: input.sliceOrigin ?? null,
      propagatedFrom: input.propagatedFrom ?? null,
      volumeEnds: input.volumeEnds ?? [],
    },
  });
}
