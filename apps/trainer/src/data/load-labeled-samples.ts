/**
 * Loads the project's accepted masks with their pixels, split into the training set and the fixed
 * validation set (Image.split). Images without a split yet are not used: assign splits first.
 * `selectTrain` picks the training masks from their rows before any pixels are read (a bounded
 * round reads only the masks it trains on).
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
  const images = new Map<string, GrayImage>();
  const dataset: LabeledDataset = { train: [], validation: [], trainAvailable: trainRows.length };
  for (const annotation of [...selectedTrain, ...validationRows]) {
    const mask = decodeAnnotationMask(annotation.finalRle, {
      annotationId: annotation.id,
      imageId: annotation.imageId,
      imageWidth: annotation.image.width,
      imageHeight: annotation.image.height,
      width: annotation.width,
      height: annotation.height,
    });
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
    (annotation.image.split === 'VALIDATION' ? dataset.validation : dataset.train).push(sample);
  }
  return dataset;
}
