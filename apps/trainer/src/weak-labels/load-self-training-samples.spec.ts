import { fileURLToPath } from 'node:url';
import { ensureStarterModel } from '@loupe/db';
import type { SyntheticFaSample } from '@loupe/model/node';
import { decodeMaskBytes, maskArea } from '@loupe/prompts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRAINER_CONFIGS } from '../config/trainer-config';
import { createTrainerTestFixture, type TrainerTestFixture } from '../testing/trainer-test-fixture';
import { loadPseudoLabeledSamples } from './load-pseudo-labeled-samples';
import { loadSelfTrainingSamples } from './load-self-training-samples';

/** The real starter model (models/starter): the tiny one finds no lesion to learn from. */
const realStarterDir = fileURLToPath(new URL('../../../../models/starter', import.meta.url));

let fixture: TrainerTestFixture;

beforeAll(async () => {
  fixture = await createTrainerTestFixture();
});
afterAll(async () => {
  await fixture?.close();
});

const policy = TRAINER_CONFIGS.tiny.selfTraining;

/** `masks` images with an accepted mask, `unlabeled` without, one tagged, one held out. */
async function project(masks: number, unlabeled: number) {
  const created = await fixture.createProject();
  const active = await ensureStarterModel(
    fixture.db,
    fixture.services.artifacts,
    created.id,
    fixture.env.STARTER_MODEL_DIR,
  );
  const samples = fixture.syntheticImages(masks + unlabeled + 2, 41);
  const ids = { masked: [] as string[], unlabeled: [] as string[], tagged: '', heldOut: '' };
  for (const [i, sample] of samples.entries()) {
    const added = await fixture.addImage(created.id, sample.image, sample.width, sample.height);
    if (i < masks) {
      await fixture.acceptMask(added.taskId, created.userId, sample.lesions[0] ?? sample.mask);
      ids.masked.push(added.imageId);
    } else if (i < masks + unlabeled) ids.unlabeled.push(added.imageId);
    else if (!ids.tagged) {
      await fixture.db.weakLabel.create({
        data: {
          projectId: created.id,
          imageId: added.imageId,
          kind: 'IMAGE_TAG',
          tag: 'lesion',
          createdById: created.userId,
        },
      });
      ids.tagged = added.imageId;
    } else {
      await fixture.db.image.update({
        where: { id: added.imageId },
        data: { split: 'VALIDATION' },
      });
      ids.heldOut = added.imageId;
    }
  }
  const input = {
    projectId: created.id,
    active,
    minConfidence: 0.8,
    limit: 20,
    workDir: `${fixture.root}/self-${created.id}`,
    selfTraining: policy,
  };
  return { created, active, ids, input };
}

describe('self-training samples in training', () => {
  it('waits until the policy has its human masks', async () => {
    const { created, input } = await project(policy.minHumanMasks - 1, 3);
    const result = await loadPseudoLabeledSamples(fixture.services, input);
    expect(result.usedBySource.SELF_TRAINING).toBe(0);
    expect(
      await fixture.db.weakLabel.count({ where: { projectId: created.id, kind: 'SELF_TRAINING' } }),
    ).toBe(0);
    expect(fixture.logs.some((l) => l.includes(`starts at ${policy.minHumanMasks}`))).toBe(true);
  });

  it('stores confident predictions on unlabeled training images with provenance, low-weight and capped', async () => {
    const { created, active, ids, input } = await project(policy.minHumanMasks, 3);
    const result = await loadPseudoLabeledSamples(fixture.services, input);
    const stored = await fixture.db.weakLabel.findMany({
      where: { projectId: created.id, kind: 'SELF_TRAINING' },
      select: {
        id: true,
        imageId: true,
        createdById: true,
        pseudoSource: true,
        pseudoModelVersionId: true,
        pseudoConfidence: true,
        pseudoMaskRle: true,
        pseudoMadeAt: true,
        supersededAt: true,
      },
    });
    // The real tiny model on real images finds objects; every one was stored with provenance.
    expect(stored.length).toBeGreaterThan(0);
    for (const label of stored) {
      expect(ids.unlabeled).toContain(label.imageId);
      expect(label.createdById).toBeNull();
      expect(label.pseudoSource).toBe('SELF_TRAINING');
      expect(label.pseudoModelVersionId).toBe(active.id);
      expect(label.pseudoConfidence).toBeGreaterThanOrEqual(policy.minConfidence);
      expect(label.pseudoConfidence).toBeLessThanOrEqual(1);
      expect(label.pseudoMadeAt).not.toBeNull();
      expect(label.supersededAt).toBeNull();
      expect(maskArea(decodeMaskBytes(label.pseudoMaskRle as Uint8Array))).toBeGreaterThan(0);
    }
    const selfSamples = result.samples.filter((s) => stored.some((l) => l.id === s.sourceId));
    expect(selfSamples).toHaveLength(result.usedBySource.SELF_TRAINING);
    expect(selfSamples.length).toBeGreaterThan(0);
    // Capped at the human masks (and the policy's cap), each weighted policy.weight x confidence.
    expect(selfSamples.length).toBeLessThanOrEqual(
      Math.min(policy.maxSamplesPerRound, policy.minHumanMasks),
    );
    for (const s of selfSamples) {
      const label = stored.find((l) => l.id === s.sourceId);
      expect(s.source).toBe('pseudo');
      expect(s.weight).toBeCloseTo(policy.weight * (label?.pseudoConfidence as number), 9);
      expect(s.weight).toBeLessThan(1);
    }
    // Never on a masked, tagged or held-out image; never an Annotation row.
    const used = new Set(stored.map((l) => l.imageId));
    for (const id of [...ids.masked, ids.tagged, ids.heldOut]) expect(used.has(id)).toBe(false);
    expect(await fixture.db.annotation.count({ where: { projectId: created.id } })).toBe(
      policy.minHumanMasks,
    );

    // The same active model next round reuses what it stored.
    const again = await loadPseudoLabeledSamples(fixture.services, input);
    expect(
      await fixture.db.weakLabel.count({ where: { projectId: created.id, kind: 'SELF_TRAINING' } }),
    ).toBe(stored.length);
    expect(again.usedBySource.SELF_TRAINING).toBe(result.usedBySource.SELF_TRAINING);
  });
});

describe('self-training discovery from human masks (the real starter model)', () => {
  let real: TrainerTestFixture;
  beforeAll(async () => {
    real = await createTrainerTestFixture({ env: { STARTER_MODEL_DIR: realStarterDir } });
  });
  afterAll(async () => {
    await real?.close();
  });

  /**
   * Self-training on `unlabeled` after human masks of `masked` (one lesion each: a task takes one
   * object's mask here): how it looked, and the share of stored pseudo-masks lying mostly on a
   * true lesion.
   */
  async function selfTrain(masked: SyntheticFaSample[], unlabeled: SyntheticFaSample[]) {
    const created = await real.createProject();
    const active = await ensureStarterModel(
      real.db,
      real.services.artifacts,
      created.id,
      real.env.STARTER_MODEL_DIR,
    );
    const truth = new Map<string, Uint8Array>();
    for (const sample of [...masked, ...unlabeled]) {
      const added = await real.addImage(created.id, sample.image, sample.width, sample.height);
      if (masked.includes(sample))
        await real.acceptMask(added.taskId, created.userId, sample.lesions[0] ?? sample.mask);
      else truth.set(added.imageId, sample.mask.data);
    }
    const result = await loadSelfTrainingSamples(real.services, {
      projectId: created.id,
      active,
      policy: { ...policy, minHumanMasks: 0, minConfidence: 0, maxImagesPerRound: 6 },
      workDir: `${real.root}/self-${created.id}`,
    });
    const stored = await real.db.weakLabel.findMany({
      where: { projectId: created.id, kind: 'SELF_TRAINING' },
      select: { imageId: true, pseudoMaskRle: true },
    });
    let onLesion = 0;
    for (const label of stored) {
      const mask = decodeMaskBytes(label.pseudoMaskRle as Uint8Array);
      const lesions = truth.get(label.imageId) as Uint8Array;
      let inside = 0;
      mask.data.forEach((v, i) => (inside += v && lesions[i] ? 1 : 0));
      if (inside / maskArea(mask) > 0.5) onLesion++;
    }
    return {
      discovery: result.discovery,
      stored: stored.length,
      onLesionShare: stored.length ? onLesion / stored.length : 0,
    };
  }

  it("looks where the classifier of the project's masks sees lesions, not the whole image", async () => {
    const generated = real.syntheticImages(24, 43, 128);
    const masked = generated.filter((s) => s.lesions.length === 1).slice(0, 6);
    const unlabeled = generated.filter((s) => !masked.includes(s)).slice(0, 6);
    expect(masked).toHaveLength(6);
    const learned = await selfTrain(masked, unlabeled);
    // No human mask: nothing to learn from, the whole-image look.
    const overview = await selfTrain([], unlabeled);
    expect(learned.discovery).toBe('lesion-classifier');
    expect(overview.discovery).toBe('overview');
    expect(learned.stored).toBeGreaterThan(0);
    expect(learned.onLesionShare).toBeGreaterThan(overview.onLesionShare + 0.1);
  });
});
