/**
 * Self-training samples (issue #15 item 3): the active model's confident predictions on unlabeled
 * training images (libs/prompts selfTrainingPseudoMasks: IoU head x stability across box jitter
 * and a flip) become low-weight training samples, when the trainer config's policy allows
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
  maskBoundingBox,
  selfTrainingPseudoMasks,
  type Mask,
} from '@loupe/prompts';
import { materializeModelFiles } from '../artifacts/materialize-model-files';
import type { LabeledSample } from '../data/load-labeled-samples';
import type { GrayImage } from '../data/decode-image-pixels';
import { loadImage } from '../data/load-image';
import type { Predictor } from '../model/model-port';
import { decideSelfTraining, type SelfTrainingPolicy } from '../policy/decide-self-training';
import type { TrainerServices } from '../trainer-services';

export interface SelfTrainingSummary {
  samples: LabeledSample[];
  /** Unlabeled images looked at this round (predicted now or reused). */
  considered: number;
  used: number;
  /** Why none were used, when the policy said no. */
  skipped: string | null;
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
  if (!decision.use) return { samples: [], considered: 0, used: 0, skipped: decision.reason };

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
      const objects = await selfTrainingPseudoMasks(
        (view, box) => open.predictBox(view, box),
        image,
        DEFAULT_SELF_TRAINING,
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
  return { samples, considered: images.length, used: samples.length, skipped: null };
}
