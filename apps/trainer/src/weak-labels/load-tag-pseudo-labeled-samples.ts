/**
 * Image-level tags as training samples (issue #15):
 * - 'absent' teaches where nothing is: the image becomes an empty-mask sample (a box somewhere in
 *   it, target empty; see libs/model prepareExample) at the low weight ABSENT_TAG_WEIGHT. Its
 *   stored provenance: source TAG, confidence 1 (a rule, not a model), no model version.
 * - 'present' goes through tags to masks (WeakMedSAM, libs/model weak/): the active model's
 *   encoder and the project's present/absent tags train a classification head, whose CAM prompts
 *   the segmenter; the pseudo-mask (stored with source TAG, the model version, its confidence and
 *   when; reused while that model is active) is split into its objects, each one a sample
 *   weighted by the confidence, used only at or above the project's threshold. Needs at least
 *   MIN_TAGS_PER_SIDE images of each tag, else 'present' images are left out (counted, unused).
 * Only the training split; never an image with an accepted human mask (the human mask is the
 * label there) nor, for 'present', one with a live box (the box pseudo-mask is the better label).
 * Pseudo-masks never become Annotation rows or count as human masks.
 */
import { ABSENT_TAG, PRESENT_TAG } from '@loupe/contracts';
import type { ModelVersion } from '@loupe/db';
import {
  connectedComponents,
  createMask,
  decodeMaskBytes,
  encodeMaskBytes,
  maskArea,
  type Mask,
} from '@loupe/prompts';
import { join } from 'node:path';
import { materializeModelFiles } from '../artifacts/materialize-model-files';
import type { LabeledSample } from '../data/load-labeled-samples';
import { loadImage } from '../data/load-image';
import type { GrayImage } from '../data/decode-image-pixels';
import type { TrainerServices } from '../trainer-services';

/** Loss weight of an 'absent' image's empty-mask sample (a human mask weighs 1). */
export const ABSENT_TAG_WEIGHT = 0.2;
/** Tagged images of each kind the classification head needs before it makes pseudo-masks. */
export const MIN_TAGS_PER_SIDE = 2;
/** Objects of a tag pseudo-mask smaller than this (pixels) are noise, not training samples. */
const MIN_OBJECT_PIXELS = 4;

export interface TagPseudoLabelSummary {
  samples: LabeledSample[];
  /** Tags considered ('present' + 'absent'), and the samples used (absent + present objects). */
  considered: number;
  used: number;
  absentUsed: number;
  presentObjectsUsed: number;
}

export async function loadTagPseudoLabeledSamples(
  services: Pick<TrainerServices, 'db' | 'blobs' | 'artifacts' | 'model' | 'log'>,
  input: {
    projectId: string;
    active: ModelVersion;
    minConfidence: number;
    limit: number;
    workDir: string;
    seed?: number;
  },
): Promise<TagPseudoLabelSummary> {
  const { db } = services;
  const tags = await db.weakLabel.findMany({
    where: {
      projectId: input.projectId,
      kind: 'IMAGE_TAG',
      tag: { in: [PRESENT_TAG, ABSENT_TAG] },
      supersededAt: null,
      image: {
        OR: [{ split: null }, { split: 'TRAIN' }],
        annotations: { none: { supersededAt: null } },
      },
    },
    select: {
      id: true,
      tag: true,
      pseudoMaskRle: true,
      pseudoConfidence: true,
      pseudoModelVersionId: true,
      pseudoSource: true,
      image: {
        select: {
          id: true,
          pixelsKey: true,
          width: true,
          height: true,
          fileName: true,
          weakLabels: {
            where: { kind: 'BOX', supersededAt: null },
            select: { id: true },
            take: 1,
          },
        },
      },
    },
    orderBy: { createdAt: 'desc' },
    take: input.limit,
  });
  const summary: TagPseudoLabelSummary = {
    samples: [],
    considered: tags.length,
    used: 0,
    absentUsed: 0,
    presentObjectsUsed: 0,
  };
  if (tags.length === 0) return summary;

  const images = new Map<string, GrayImage>();
  for (const t of tags) images.set(t.id, await loadImage(services.blobs, t.image));

  const absent = tags.filter((t) => t.tag === ABSENT_TAG);
  for (const t of absent) {
    const image = images.get(t.id) as GrayImage;
    const mask = createMask(image.width, image.height);
    if (t.pseudoSource !== 'TAG' || t.pseudoConfidence !== 1)
      await db.weakLabel.update({
        where: { id: t.id },
        data: {
          pseudoMaskRle: encodeMaskBytes(mask) as Uint8Array<ArrayBuffer>,
          pseudoConfidence: 1,
          pseudoSource: 'TAG',
          pseudoModelVersionId: null,
          pseudoMadeAt: new Date(),
        },
      });
    summary.samples.push({
      imageId: t.image.id,
      sourceId: t.id,
      source: 'pseudo',
      image,
      mask,
      weight: ABSENT_TAG_WEIGHT,
    });
  }
  summary.absentUsed = absent.length;

  const present = tags.filter((t) => t.tag === PRESENT_TAG && t.image.weakLabels.length === 0);
  const cached = (t: (typeof present)[number]) =>
    t.pseudoModelVersionId === input.active.id &&
    t.pseudoSource === 'TAG' &&
    t.pseudoMaskRle !== null &&
    t.pseudoConfidence !== null;
  const stale = present.filter((t) => !cached(t));
  const made = new Map<string, { mask: Mask; confidence: number }>();
  if (stale.length > 0) {
    const presentCount = tags.filter((t) => t.tag === PRESENT_TAG).length;
    if (presentCount < MIN_TAGS_PER_SIDE || absent.length < MIN_TAGS_PER_SIDE) {
      services.log(
        `tags to masks: ${presentCount} present / ${absent.length} absent tags, need ${MIN_TAGS_PER_SIDE} of each; 'present' images not used yet`,
      );
    } else {
      const files = await materializeModelFiles(
        services.artifacts,
        input.active,
        join(input.workDir, 'tag-model'),
      );
      const results = await services.model.tagPseudoMasks({
        files,
        training: tags.map((t) => ({
          image: images.get(t.id) as GrayImage,
          present: t.tag === PRESENT_TAG,
        })),
        targets: stale.map((t) => images.get(t.id) as GrayImage),
        seed: input.seed ?? 15,
      });
      for (const [i, t] of stale.entries()) {
        const result = results[i];
        if (!result) continue;
        made.set(t.id, result);
        await db.weakLabel.update({
          where: { id: t.id },
          data: {
            pseudoMaskRle: encodeMaskBytes(result.mask) as Uint8Array<ArrayBuffer>,
            pseudoConfidence: result.confidence,
            pseudoSource: 'TAG',
            pseudoModelVersionId: input.active.id,
            pseudoMadeAt: new Date(),
          },
        });
      }
    }
  }
  for (const t of present) {
    const image = images.get(t.id) as GrayImage;
    const pseudo =
      made.get(t.id) ??
      (cached(t)
        ? {
            mask: decodeMaskBytes(t.pseudoMaskRle as Uint8Array),
            confidence: t.pseudoConfidence as number,
          }
        : null);
    if (!pseudo || pseudo.confidence < input.minConfidence) continue;
    if (pseudo.mask.width !== image.width || pseudo.mask.height !== image.height) continue;
    for (const object of connectedComponents(pseudo.mask)) {
      if (maskArea(object) < MIN_OBJECT_PIXELS) continue;
      summary.samples.push({
        imageId: t.image.id,
        sourceId: t.id,
        source: 'pseudo',
        image,
        mask: object,
        weight: pseudo.confidence,
      });
      summary.presentObjectsUsed++;
    }
  }
  summary.used = summary.samples.length;
  return summary;
}
