/**
 * Weak labels as extra training samples (and, where the policy allows, self-training samples:
 * load-self-training-samples.ts): image tags (load-tag-pseudo-labeled-samples.ts: 'absent'
 * = empty-mask sample, 'present' = tags-to-masks pseudo-masks) and boxes. Boxes (accepted
 * without a corrected mask): the active
 * model turns each box into a pseudo-mask, stored on the WeakLabel with its confidence (reused
 * while the same model is active). Only pseudo-masks at or above the project's confidence
 * threshold are used, weighted by that confidence. Images held out for validation are skipped,
 * and so are images with an accepted human mask (the human mask is the label there: a pseudo-mask
 * never overwrites or counts as one) and superseded boxes. Each stored pseudo-mask records its
 * provenance: source BOX, the model version that made it, its confidence and when.
 * Box pseudo-masks train only once the active model's box rule has been checked on human masks
 * of the validation split (libs/prompts check-box-rule.ts); until then no pseudo-mask is made, and
 * the boxes either wait or (untrusted 'box-supervised') train as boxes: BoxInst's loss on the box
 * itself (libs/model box-supervised-loss.ts), which needs no model to segment first.
 */
import { join } from 'node:path';
import type { ModelVersion } from '@loupe/db';
import {
  checkBoxRule,
  decodeMaskBytes,
  encodeMaskBytes,
  maskFromBox,
  pseudoMaskFromBox,
  type Box,
  type BoxRuleCheck,
  type BoxRulePolicy,
  type Mask,
} from '@loupe/prompts';
import { materializeModelFiles } from '../artifacts/materialize-model-files';
import type { GrayImage } from '../data/decode-image-pixels';
import type { LabeledSample } from '../data/load-labeled-samples';
import { loadImage } from '../data/load-image';
import type { ModelPort, Predictor } from '../model/model-port';
import type { TrainerServices } from '../trainer-services';
import type { SelfTrainingPolicy } from '../policy/decide-self-training';
import { loadSelfTrainingSamples } from './load-self-training-samples';
import { loadTagPseudoLabeledSamples } from './load-tag-pseudo-labeled-samples';

export interface PseudoLabelSummary {
  samples: LabeledSample[];
  /** Weak labels considered, and how many were confident enough to use. */
  considered: number;
  used: number;
  /** `used`, by provenance (the training run's label mix); BOX counts box-supervised ones too. */
  usedBySource: { BOX: number; TAG: number; SELF_TRAINING: number };
  /** Boxes that trained as boxes (box-supervised) because the box rule was not trusted. */
  boxSupervised: number;
  /** Box weak labels considered (the rest of `considered` are tags and self-training). */
  boxesConsidered: number;
  /** The box rule's check this round (null: not checked, no boxes or no check asked for). */
  boxRule: BoxRuleCheck | null;
}

const noneUsed = () => ({ BOX: 0, TAG: 0, SELF_TRAINING: 0 });

/** What boxes do while the active model's box rule is not trusted. */
export type UntrustedBoxes = 'wait' | 'box-supervised';

type PseudoInput = {
  projectId: string;
  active: ModelVersion;
  minConfidence: number;
  limit: number;
  workDir: string;
  /** The trainer config's self-training policy (none: no self-training samples). */
  selfTraining?: SelfTrainingPolicy;
  /**
   * Check the active model's box rule on these human masks first (none: boxes are used); where
   * it is not trusted the boxes wait (default) or train box-supervised.
   */
  boxRuleCheck?: {
    policy: BoxRulePolicy;
    humanMasks: readonly LabeledSample[];
    untrusted?: UntrustedBoxes;
  };
};

export async function loadPseudoLabeledSamples(
  services: Pick<TrainerServices, 'db' | 'blobs' | 'artifacts' | 'model' | 'log'>,
  input: PseudoInput,
): Promise<PseudoLabelSummary> {
  const boxes = await loadBoxPseudoLabeledSamples(services, input);
  const tags = await loadTagPseudoLabeledSamples(services, input);
  const self = input.selfTraining
    ? await loadSelfTrainingSamples(services, { ...input, policy: input.selfTraining })
    : null;
  if (self?.skipped) services.log(`self-training: ${self.skipped}`);
  return {
    samples: [...boxes.samples, ...tags.samples, ...(self?.samples ?? [])],
    considered: boxes.considered + tags.considered + (self?.considered ?? 0),
    used: boxes.used + tags.used + (self?.used ?? 0),
    usedBySource: { ...boxes.usedBySource, TAG: tags.used, SELF_TRAINING: self?.used ?? 0 },
    boxesConsidered: boxes.considered,
    boxSupervised: boxes.boxSupervised,
    boxRule: boxes.boxRule,
  };
}

async function loadBoxPseudoLabeledSamples(
  services: Pick<TrainerServices, 'db' | 'blobs' | 'artifacts' | 'model'>,
  input: PseudoInput,
): Promise<Omit<PseudoLabelSummary, 'boxesConsidered'>> {
  const none = { usedBySource: noneUsed(), boxSupervised: 0 };
  const { db } = services;
  const weakLabels = await db.weakLabel.findMany({
    where: {
      projectId: input.projectId,
      kind: 'BOX',
      boxX0: { not: null },
      boxY0: { not: null },
      boxX1: { not: null },
      boxY1: { not: null },
      supersededAt: null,
      image: {
        OR: [{ split: null }, { split: 'TRAIN' }],
        annotations: { none: { supersededAt: null } },
      },
    },
    select: {
      id: true,
      boxX0: true,
      boxY0: true,
      boxX1: true,
      boxY1: true,
      pseudoMaskRle: true,
      pseudoConfidence: true,
      pseudoModelVersionId: true,
      image: { select: { id: true, pixelsKey: true, width: true, height: true, fileName: true } },
    },
    orderBy: { createdAt: 'desc' },
    take: input.limit,
  });
  if (weakLabels.length === 0)
    return { samples: [], considered: 0, used: 0, ...none, boxRule: null };

  let predictor: Predictor | null = null;
  const open = async () =>
    (predictor ??= await openActivePredictor(
      services.model,
      services,
      input.active,
      join(input.workDir, 'pseudo-model'),
    ));
  const samples: LabeledSample[] = [];
  let boxRule: BoxRuleCheck | null = null;
  try {
    if (input.boxRuleCheck) {
      boxRule = await checkBoxRule(
        async (image, box) => (await open()).predictBox(image, box),
        input.boxRuleCheck.humanMasks,
        input.boxRuleCheck.policy,
      );
      if (!boxRule.trusted) {
        if (input.boxRuleCheck.untrusted !== 'box-supervised')
          return { samples: [], considered: weakLabels.length, used: 0, ...none, boxRule };
        for (const label of weakLabels) {
          const image = await loadImage(services.blobs, label.image);
          const mask = maskFromBox(boxOf(label), image.width, image.height);
          // A box with no pixel inside the image would train as an empty (negative) sample.
          if (!mask.data.includes(1)) continue;
          samples.push({ ...boxLabelSample(label, image, mask, 1), supervision: 'box' });
        }
        return {
          samples,
          considered: weakLabels.length,
          used: samples.length,
          usedBySource: { ...noneUsed(), BOX: samples.length },
          boxSupervised: samples.length,
          boxRule,
        };
      }
    }
    for (const label of weakLabels) {
      const image = await loadImage(services.blobs, label.image);
      let mask: Mask;
      let confidence: number;
      if (
        label.pseudoModelVersionId === input.active.id &&
        label.pseudoMaskRle &&
        label.pseudoConfidence !== null
      ) {
        mask = decodeMaskBytes(label.pseudoMaskRle);
        confidence = label.pseudoConfidence;
      } else {
        const model = await open();
        const box = boxOf(label);
        const pseudo = pseudoMaskFromBox(
          await model.predictBox(image, box),
          box,
          image.width,
          image.height,
        );
        mask = pseudo.mask;
        confidence = pseudo.confidence;
        await db.weakLabel.update({
          where: { id: label.id },
          data: {
            pseudoMaskRle: encodeMaskBytes(mask) as Uint8Array<ArrayBuffer>,
            pseudoConfidence: confidence,
            pseudoSource: 'BOX',
            pseudoModelVersionId: input.active.id,
            pseudoMadeAt: new Date(),
          },
        });
      }
      if (
        confidence >= input.minConfidence &&
        mask.width === image.width &&
        mask.height === image.height
      ) {
        samples.push(boxLabelSample(label, image, mask, confidence));
      }
    }
  } finally {
    await (predictor as Predictor | null)?.close();
  }
  return {
    samples,
    considered: weakLabels.length,
    used: samples.length,
    usedBySource: { ...noneUsed(), BOX: samples.length },
    boxSupervised: 0,
    boxRule,
  };
}

/** A box weak label's training sample (its pseudo-mask, or the box itself when box-supervised). */
function boxLabelSample(
  label: { id: string; image: { id: string } },
  image: GrayImage,
  mask: Mask,
  weight: number,
): LabeledSample {
  return { imageId: label.image.id, sourceId: label.id, source: 'pseudo', image, mask, weight };
}

function boxOf(label: {
  boxX0: number | null;
  boxY0: number | null;
  boxX1: number | null;
  boxY1: number | null;
}): Box {
  return {
    x0: label.boxX0 as number,
    y0: label.boxY0 as number,
    x1: label.boxX1 as number,
    y1: label.boxY1 as number,
  };
}

async function openActivePredictor(
  port: ModelPort,
  services: Pick<TrainerServices, 'artifacts'>,
  active: ModelVersion,
  dir: string,
): Promise<Predictor> {
  const files = await materializeModelFiles(services.artifacts, active, dir);
  return port.openPredictor(files);
}
