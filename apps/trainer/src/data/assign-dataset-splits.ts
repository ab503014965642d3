/**
 * Fixed, stratified train/validation assignment.
 *
 * Each image's split is decided once, the first time it has an accepted mask, and then stored
 * (Image.split) so a validation image is never trained on later. Within each lesion-size bucket the
 * validation share is kept at the project's holdout fraction by a largest-remainder rule over a
 * deterministic order (first acceptance time, then a hash of the id), so the same data always gets
 * the same split and small and large lesions are both represented in validation.
 */
import { createHash } from 'node:crypto';

export type DatasetSplitName = 'TRAIN' | 'VALIDATION';
export type LesionSizeBucket = 'empty' | 'small' | 'medium' | 'large';

/** Bucket edges as a fraction of the image area; lesions are usually a few percent of it. */
const SMALL_MAX = 0.01;
const MEDIUM_MAX = 0.05;

export function lesionSizeBucket(foregroundPixels: number, imagePixels: number): LesionSizeBucket {
  if (foregroundPixels <= 0) return 'empty';
  const fraction = foregroundPixels / imagePixels;
  if (fraction < SMALL_MAX) return 'small';
  if (fraction < MEDIUM_MAX) return 'medium';
  return 'large';
}

export interface SplitCandidate {
  imageId: string;
  bucket: LesionSizeBucket;
  /** When the image's first mask was accepted; earlier images are placed first. */
  firstAcceptedAt: Date;
}

export interface AssignedImage {
  bucket: LesionSizeBucket;
  split: DatasetSplitName;
}

function tieBreak(imageId: string): string {
  return createHash('sha256').update(imageId).digest('hex');
}

/**
 * Returns the split for each pending image. `assigned` are images already split (their choice is
 * final and counts toward each bucket's share).
 */
export function assignDatasetSplits(
  assigned: readonly AssignedImage[],
  pending: readonly SplitCandidate[],
  holdoutFraction: number,
): Map<string, DatasetSplitName> {
  if (!(holdoutFraction >= 0 && holdoutFraction < 1))
    throw new RangeError(`holdoutFraction must be in [0, 1), got ${holdoutFraction}`);
  const counts = new Map<LesionSizeBucket, { total: number; validation: number }>();
  const countsFor = (bucket: LesionSizeBucket) => {
    let entry = counts.get(bucket);
    if (!entry) counts.set(bucket, (entry = { total: 0, validation: 0 }));
    return entry;
  };
  for (const image of assigned) {
    const entry = countsFor(image.bucket);
    entry.total++;
    if (image.split === 'VALIDATION') entry.validation++;
  }
  const ordered = [...pending].sort(
    (a, b) =>
      a.firstAcceptedAt.getTime() - b.firstAcceptedAt.getTime() ||
      tieBreak(a.imageId).localeCompare(tieBreak(b.imageId)),
  );
  const result = new Map<string, DatasetSplitName>();
  for (const image of ordered) {
    const entry = countsFor(image.bucket);
    entry.total++;
    // Rounding (not flooring) puts the first validation image of a bucket at total = 3 for 20%,
    // so even a first round of 20 masks has a validation set.
    const wanted = Math.round(entry.total * holdoutFraction);
    const split: DatasetSplitName = wanted > entry.validation ? 'VALIDATION' : 'TRAIN';
    if (split === 'VALIDATION') entry.validation++;
    result.set(image.imageId, split);
  }
  return result;
}
