import { ensureStarterModel } from '@loupe/db';
import { decodeMaskBytes, maskArea } from '@loupe/prompts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRAINER_CONFIGS } from '../config/trainer-config';
import { createTrainerTestFixture, type TrainerTestFixture } from '../testing/trainer-test-fixture';
import { loadPseudoLabeledSamples } from './load-pseudo-labeled-samples';

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
