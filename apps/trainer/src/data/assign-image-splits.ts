/**
 * Decides and stores the train/validation split of every image that has accepted masks but no
 * split yet (see assign-dataset-splits.ts for the rule). Existing splits are never changed: the
 * update only touches rows whose split is still null.
 */
import type { Db } from '@loupe/db';
import { acceptedAnnotationWhere } from './accepted-annotation-filter';
import { decodeAnnotationMask } from './decode-annotation-mask';
import {
  assignDatasetSplits,
  lesionSizeBucket,
  type AssignedImage,
  type LesionSizeBucket,
  type SplitCandidate,
} from './assign-dataset-splits';

interface ImageLabels {
  width: number;
  height: number;
  split: 'TRAIN' | 'VALIDATION' | null;
  foreground: number;
  firstAcceptedAt: Date;
}

export async function assignImageSplits(
  db: Db,
  projectId: string,
  holdoutFraction: number,
): Promise<{ assigned: number }> {
  const annotations = await db.annotation.findMany({
    where: acceptedAnnotationWhere(projectId),
    select: {
      id: true,
      imageId: true,
      width: true,
      height: true,
      finalRle: true,
      createdAt: true,
      image: { select: { width: true, height: true, split: true } },
    },
    orderBy: { createdAt: 'asc' },
  });
  const images = new Map<string, ImageLabels>();
  for (const annotation of annotations) {
    let entry = images.get(annotation.imageId);
    if (!entry) {
      entry = {
        width: annotation.image.width,
        height: annotation.image.height,
        split: annotation.image.split,
        foreground: 0,
        firstAcceptedAt: annotation.createdAt,
      };
      images.set(annotation.imageId, entry);
    }
    // The sum of object areas approximates their union; it only picks a size bucket.
    const mask = decodeAnnotationMask(annotation.finalRle, {
      annotationId: annotation.id,
      imageId: annotation.imageId,
      imageWidth: annotation.image.width,
      imageHeight: annotation.image.height,
      width: annotation.width,
      height: annotation.height,
    });
    let area = 0;
    for (let i = 0; i < mask.data.length; i++) area += mask.data[i] as number;
    entry.foreground += area;
  }
  const assigned: AssignedImage[] = [];
  const pending: SplitCandidate[] = [];
  const bucketOf = (entry: ImageLabels): LesionSizeBucket =>
    lesionSizeBucket(entry.foreground, entry.width * entry.height);
  // Buckets of already-split images are recomputed from the same labels; their split stays.
  for (const [imageId, entry] of images) {
    if (entry.split) assigned.push({ bucket: bucketOf(entry), split: entry.split });
    else pending.push({ imageId, bucket: bucketOf(entry), firstAcceptedAt: entry.firstAcceptedAt });
  }
  if (pending.length === 0) return { assigned: 0 };
  const splits = assignDatasetSplits(assigned, pending, holdoutFraction);
  let count = 0;
  for (const split of ['TRAIN', 'VALIDATION'] as const) {
    const ids = [...splits].filter(([, s]) => s === split).map(([id]) => id);
    if (ids.length === 0) continue;
    const result = await db.image.updateMany({
      where: { id: { in: ids }, projectId, split: null },
      data: { split },
    });
    count += result.count;
  }
  return { assigned: count };
}
