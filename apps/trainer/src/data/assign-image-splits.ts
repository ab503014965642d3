/**
 * Decides and stores the train/validation split of every image that has accepted masks but no
 * split yet (see assign-dataset-splits.ts for the rule). Existing splits are never changed: the
 * update only touches rows whose split is still null.
 *
 * The unit of the split is a volume, not a slice: adjacent slices of one scan are nearly the same
 * image, so a validation slice between training slices measures memory, and the gate measures
 * propagation on held-out volumes. A volume's new slices follow the split its other slices
 * already have (VALIDATION if any has it: slices split one by one before this rule stay as they
 * are, and adding more of such a volume to training would leak more); a volume with none yet is
 * one candidate, its size bucket from all its labelled slices.
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
  /** The volume the image is a slice of, else the image itself: the unit of the split. */
  unit: string;
  foreground: number;
  firstAcceptedAt: Date;
}

interface SplitUnit {
  imageIds: string[];
  pending: string[];
  split: 'TRAIN' | 'VALIDATION' | null;
  foreground: number;
  pixels: number;
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
      image: { select: { width: true, height: true, split: true, volumeId: true } },
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
        unit: annotation.image.volumeId
          ? `volume:${annotation.image.volumeId}`
          : annotation.imageId,
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
  const units = new Map<string, SplitUnit>();
  for (const [imageId, entry] of images) {
    let unit = units.get(entry.unit);
    if (!unit) {
      unit = {
        imageIds: [],
        pending: [],
        split: null,
        foreground: 0,
        pixels: 0,
        firstAcceptedAt: entry.firstAcceptedAt,
      };
      units.set(entry.unit, unit);
    }
    unit.imageIds.push(imageId);
    if (!entry.split) unit.pending.push(imageId);
    else if (unit.split !== 'VALIDATION') unit.split = entry.split;
    unit.foreground += entry.foreground;
    unit.pixels += entry.width * entry.height;
    if (entry.firstAcceptedAt < unit.firstAcceptedAt) unit.firstAcceptedAt = entry.firstAcceptedAt;
  }
  const assigned: AssignedImage[] = [];
  const pending: SplitCandidate[] = [];
  const bucketOf = (unit: SplitUnit): LesionSizeBucket =>
    lesionSizeBucket(unit.foreground, unit.pixels);
  // Buckets of already-split units are recomputed from the same labels; their split stays.
  for (const [key, unit] of units) {
    if (unit.split) assigned.push({ bucket: bucketOf(unit), split: unit.split });
    else
      pending.push({ imageId: key, bucket: bucketOf(unit), firstAcceptedAt: unit.firstAcceptedAt });
  }
  const splits = new Map<string, 'TRAIN' | 'VALIDATION'>();
  for (const [key, split] of assignDatasetSplits(assigned, pending, holdoutFraction))
    for (const imageId of units.get(key)!.imageIds) splits.set(imageId, split);
  for (const unit of units.values())
    if (unit.split) for (const imageId of unit.pending) splits.set(imageId, unit.split);
  if (splits.size === 0) return { assigned: 0 };
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
