/**
 * Self-training samples (issue #15 item 3): the active model's confident predictions on unlabeled
 * training images (libs/prompts selfTrainingPseudoMasks: IoU head x stability across box jitter
 * and a flip) become low-weight training samples. Where to look: a lesion classifier learned from
 * the project's human masks (their bright-blob candidates, labelled by the masks) proposes the
 * candidates it scores at or above the policy's discoveryMinScore; the model's whole-image look
 * (which finds anatomy more than lesions) only when the masks give the classifier no positive or
 * no negative. They are used when the trainer config's policy allows
 * (policy/decide-self-training.ts). Each one is stored as a WeakLabel of kind SELF_TRAINING with
 * its provenance (source SELF_TRAINING, the model version, its confidence, when; no person) and
 * reused while that model is active; a later active model supersedes them and predicts afresh.
 * Only images of the training split with no human mask and no person's weak label (box or tag:
 * those are better labels); held-out images never get one. They never become Annotation rows or
 * count as human masks, and the promotion gate scores candidates on human masks only.
 */
import { join } from 'node:path';
import type { ModelVersion } from '@loupe/db';
import {
  decodeMaskBytes,
  DEFAULT_SELF_TRAINING,
  encodeMaskBytes,
  maskArea,
  maskBoundingBox,
  selfTrainingPseudoMasks,
  type Mask,
} from '@loupe/prompts';
import { materializeModelFiles } from '../artifacts/materialize-model-files';
import type { LabeledSample } from '../data/load-labeled-samples';
import type { GrayImage } from '../data/decode-image-pixels';
import { loadImage } from '../data/load-image';
import { acceptedAnnotationWhere } from '../data/accepted-annotation-filter';
import { decodeAnnotationMask } from '../data/decode-annotation-mask';
import type { LesionFinder, MaskedGrayImage, Predictor } from '../model/model-port';
import { decideSelfTraining, type SelfTrainingPolicy } from '../policy/decide-self-training';
import type { TrainerServices } from '../trainer-services';

export interface SelfTrainingSummary {
  samples: LabeledSample[];
  /** Unlabeled images looked at this round (predicted now or reused). */
  considered: number;
  used: number;
  /** Why none were used, when the policy said no. */
  skipped: string | null;
  /**
   * How objects were found on images predicted this round: 'lesion-classifier' (learned from the
   * human masks), 'overview' (the whole-image look), or null (nothing predicted).
   */
  discovery: 'lesion-classifier' | 'overview' | null;
}

export async function loadSelfTrainingSamples(
  services: Pick<TrainerServices, 'db' | 'blobs' | 'artifacts' | 'model' | 'log'>,
  input: {
    projectId: string;
    active: ModelVersion;
    policy: SelfTrainingPolicy;
    workDir: string;
  },
): Promise<SelfTrainingSummary> {
  const { db } = services;
  const humanMasks = await db.annotation.count({
    where: {
      projectId: input.projectId,
      supersededAt: null,
      image: { OR: [{ split: null }, { split: 'TRAIN' }] },
    },
  });
  const decision = decideSelfTraining(input.policy, { humanMasks });
  if (!decision.use)
    return { samples: [], considered: 0, used: 0, skipped: decision.reason, discovery: null };

  // A newer active model predicts afresh: the older model's self-training labels become history.
  await db.weakLabel.updateMany({
    where: {
      projectId: input.projectId,
      kind: 'SELF_TRAINING',
      supersededAt: null,
      NOT: { pseudoModelVersionId: input.active.id },
    },
    data: { supersededAt: new Date() },
  });
  const images = await db.image.findMany({
    where: {
      projectId: input.projectId,
      OR: [{ split: null }, { split: 'TRAIN' }],
      annotations: { none: { supersededAt: null } },
      weakLabels: { none: { supersededAt: null, kind: { in: ['BOX', 'IMAGE_TAG'] } } },
    },
    select: {
      id: true,
      pixelsKey: true,
      width: true,
      height: true,
      fileName: true,
      weakLabels: {
        where: { kind: 'SELF_TRAINING', supersededAt: null },
        select: { id: true, pseudoMaskRle: true, pseudoConfidence: true },
      },
    },
    orderBy: { createdAt: 'asc' },
    take: input.policy.maxImagesPerRound,
  });

  const found: {
    imageId: string;
    sourceId: string;
    image: GrayImage;
    mask: Mask;
    confidence: number;
  }[] = [];
  let predictor: Predictor | null = null;
  let finder: LesionFinder | null = null;
  let discovery: SelfTrainingSummary['discovery'] = null;
  try {
    for (const row of images) {
      const image = await loadImage(services.blobs, row);
      const stored = row.weakLabels.filter((l) => l.pseudoMaskRle && l.pseudoConfidence !== null);
      if (stored.length > 0) {
        for (const label of stored)
          found.push({
            imageId: row.id,
            sourceId: label.id,
            image,
            mask: decodeMaskBytes(label.pseudoMaskRle as Uint8Array),
            confidence: label.pseudoConfidence as number,
          });
        continue;
      }
      predictor ??= await services.model.openPredictor(
        await materializeModelFiles(
          services.artifacts,
          input.active,
          join(input.workDir, 'self-training-model'),
        ),
      );
      const open = predictor;
      if (discovery === null) {
        finder = await open.trainLesionFinder(
          await loadHumanMaskedImages(services, input.projectId, input.policy.maxImagesPerRound),
        );
        discovery = finder ? 'lesion-classifier' : 'overview';
      }
      const proposals = finder
        ? await finder.propose(image, input.policy.discoveryMinScore)
        : undefined;
      const objects = await selfTrainingPseudoMasks(
        (view, box) => open.predictBox(view, box),
        image,
        DEFAULT_SELF_TRAINING,
        proposals,
      );
      for (const object of objects) {
        if (object.confidence < input.policy.minConfidence) continue;
        const box = maskBoundingBox(object.mask);
        const created = await db.weakLabel.create({
          data: {
            projectId: input.projectId,
            imageId: row.id,
            kind: 'SELF_TRAINING',
            ...(box ? { boxX0: box.x0, boxY0: box.y0, boxX1: box.x1, boxY1: box.y1 } : {}),
            pseudoMaskRle: encodeMaskBytes(object.mask) as Uint8Array<ArrayBuffer>,
            pseudoConfidence: object.confidence,
            pseudoSource: 'SELF_TRAINING',
            pseudoModelVersionId: input.active.id,
            pseudoMadeAt: new Date(),
          },
          select: { id: true },
        });
        found.push({
          imageId: row.id,
          sourceId: created.id,
          image,
          mask: object.mask,
          confidence: object.confidence,
        });
      }
    }
  } finally {
    await predictor?.close();
  }
  // The most confident first, up to the round's cap.
  const samples: LabeledSample[] = found
    .filter(
      (f) =>
        f.confidence >= input.policy.minConfidence &&
        f.mask.width === f.image.width &&
        f.mask.height === f.image.height,
    )
    .sort((a, b) => b.confidence - a.confidence)
    .slice(0, decision.maxSamples)
    .map((f) => ({
      imageId: f.imageId,
      sourceId: f.sourceId,
      source: 'pseudo' as const,
      image: f.image,
      mask: f.mask,
      weight: input.policy.weight * f.confidence,
    }));
  return { samples, considered: images.length, used: samples.length, skipped: null, discovery };
}

/**
 * The accepted human masks of the project's training images, grouped per image (the newest
 * `maxImages` images), which teach the lesion classifier what a lesion looks like here.
 */
async function loadHumanMaskedImages(
  services: Pick<TrainerServices, 'db' | 'blobs'>,
  projectId: string,
  maxImages: number,
): Promise<MaskedGrayImage[]> {
  const rows = await services.db.annotation.findMany({
    where: {
      ...acceptedAnnotationWhere(projectId),
      image: { OR: [{ split: null }, { split: 'TRAIN' }] },
    },
    select: {
      id: true,
      imageId: true,
      width: true,
      height: true,
      finalRle: true,
      image: { select: { id: true, pixelsKey: true, width: true, height: true, fileName: true } },
    },
    orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
  });
  const byImage = new Map<string, MaskedGrayImage>();
  for (const row of rows) {
    let masked = byImage.get(row.imageId);
    if (!masked) {
      if (byImage.size >= maxImages) continue;
      masked = { image: await loadImage(services.blobs, row.image), objects: [] };
      byImage.set(row.imageId, masked);
    }
    const mask = decodeAnnotationMask(row.finalRle, {
      annotationId: row.id,
      imageId: row.imageId,
      imageWidth: row.image.width,
      imageHeight: row.image.height,
      width: row.width,
      height: row.height,
    });
    if (maskArea(mask) > 0) masked.objects.push(mask);
  }
  return [...byImage.values()];
}
