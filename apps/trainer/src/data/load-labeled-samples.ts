/**
 * Loads the project's accepted masks with their pixels, split into the training set and the fixed
 * validation set (Image.split). Images without a split yet are not used: assign splits first.
 * `selectTrain` picks the training masks from their rows before any pixels are read (a bounded
 * round reads only the masks it trains on).
 * A training mask on a volume slice carries the same object's accepted mask on an adjacent slice
 * (`neighbourMask`), so fine-tuning also trains propagation; neighbours come from training-split
 * slices only, so no validation mask reaches training.
 */
import type { Db } from '@loupe/db';
import type { Mask } from '@loupe/prompts';
import { acceptedAnnotationWhere } from './accepted-annotation-filter';
import type { BlobReader } from './blob-reader';
import type { GrayImage } from './decode-image-pixels';
import { decodeAnnotationMask } from './decode-annotation-mask';
import { loadImage } from './load-image';

export interface LabeledSample {
  imageId: string;
  /** The Annotation (accepted mask) or WeakLabel (pseudo-mask) it came from. */
  sourceId: string;
  source: 'accepted' | 'pseudo';
  image: GrayImage;
  mask: Mask;
  /** Loss weight: 1 for accepted masks, the model's confidence for pseudo-masks. */
  weight: number;
  /** Volume slices: the same object's accepted mask on slice k-1 or k+1 (training set only). */
  neighbourMask?: Mask;
  /** 'box': a box weak label that trains as a box (`mask` is the box filled; BoxInst's loss). */
  supervision?: 'box';
}

export interface LabeledDataset {
  train: LabeledSample[];
  validation: LabeledSample[];
  /** Accepted masks in the training split, before `selectTrain`. */
  trainAvailable: number;
}

/** One accepted training-split mask as `selectTrain` sees it. */
export interface AcceptedMaskRow {
  sourceId: string;
  /** When the mask was accepted (Annotation.createdAt). */
  createdAt: Date;
}

export interface LoadLabeledSamplesOptions {
  selectTrain?: (rows: AcceptedMaskRow[]) => AcceptedMaskRow[];
}

export async function loadLabeledSamples(
  db: Db,
  blobs: BlobReader,
  projectId: string,
  options: LoadLabeledSamplesOptions = {},
): Promise<LabeledDataset> {
  const annotations = await db.annotation.findMany({
    where: { ...acceptedAnnotationWhere(projectId), image: { split: { not: null } } },
    select: {
      id: true,
      imageId: true,
      objectId: true,
      propagatedFrom: true,
      createdAt: true,
      width: true,
      height: true,
      finalRle: true,
      image: {
        select: {
          id: true,
          pixelsKey: true,
          width: true,
          height: true,
          fileName: true,
          split: true,
          volumeId: true,
          sliceIndex: true,
        },
      },
    },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
  });
  const validationRows = annotations.filter((a) => a.image.split === 'VALIDATION');
  const trainRows = annotations.filter((a) => a.image.split !== 'VALIDATION');
  const byId = new Map(trainRows.map((a) => [a.id, a]));
  const selectedTrain = options.selectTrain
    ? options
        .selectTrain(trainRows.map((a) => ({ sourceId: a.id, createdAt: a.createdAt })))
        .map((row) => {
          const annotation = byId.get(row.sourceId);
          if (!annotation)
            throw new Error(`selectTrain returned ${row.sourceId}, not a training-split mask`);
          return annotation;
        })
    : trainRows;
  const neighbourOf = adjacentSliceFinder(trainRows);
  const images = new Map<string, GrayImage>();
  const dataset: LabeledDataset = { train: [], validation: [], trainAvailable: trainRows.length };
  for (const annotation of [...selectedTrain, ...validationRows]) {
    const mask = decodeMask(annotation);
    let image = images.get(annotation.imageId);
    if (!image) {
      image = await loadImage(blobs, annotation.image);
      images.set(annotation.imageId, image);
    }
    const sample: LabeledSample = {
      imageId: annotation.imageId,
      sourceId: annotation.id,
      source: 'accepted',
      image,
      mask,
      weight: 1,
    };
    const neighbour = annotation.image.split === 'VALIDATION' ? null : neighbourOf(annotation);
    if (neighbour) sample.neighbourMask = decodeMask(neighbour);
    (annotation.image.split === 'VALIDATION' ? dataset.validation : dataset.train).push(sample);
  }
  return dataset;
}

interface MaskRow {
  id: string;
  imageId: string;
  width: number;
  height: number;
  finalRle: Uint8Array;
  image: { width: number; height: number };
}

function decodeMask(row: MaskRow): Mask {
  return decodeAnnotationMask(row.finalRle, {
    annotationId: row.id,
    imageId: row.imageId,
    imageWidth: row.image.width,
    imageHeight: row.image.height,
    width: row.width,
    height: row.height,
  });
}

interface SliceRow {
  objectId: string;
  propagatedFrom: number | null;
  image: { volumeId: string | null; sliceIndex: number | null };
}

/**
 * The accepted mask of the same object on slice k-1 or k+1 of the same volume, among `rows`:
 * first the side the slice was propagated from (that is the prompt it was accepted from), else
 * k-1, then k+1. Null for 2-D images and slices with no neighbour.
 */
export function adjacentSliceFinder<T extends SliceRow>(rows: readonly T[]): (row: T) => T | null {
  const key = (volumeId: string, objectId: string, slice: number) =>
    JSON.stringify([volumeId, objectId, slice]);
  const bySlice = new Map<string, T>();
  for (const row of rows) {
    const { volumeId, sliceIndex } = row.image;
    if (volumeId !== null && sliceIndex !== null)
      bySlice.set(key(volumeId, row.objectId, sliceIndex), row);
  }
  return (row) => {
    const { volumeId, sliceIndex: k } = row.image;
    if (volumeId === null || k === null) return null;
    const towardSource =
      row.propagatedFrom !== null && row.propagatedFrom !== k
        ? Math.sign(row.propagatedFrom - k)
        : -1;
    for (const step of [towardSource, -towardSource]) {
      const neighbour = bySlice.get(key(volumeId, row.objectId, k + step));
      if (neighbour) return neighbour;
    }
    return null;
  };
}
