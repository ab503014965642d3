import { ensureStarterModel } from '@loupe/db';
import { maskArea, maskBoundingBox, type Box } from '@loupe/prompts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTrainerTestFixture, type TrainerTestFixture } from '../testing/trainer-test-fixture';
import { loadPseudoLabeledSamples } from './load-pseudo-labeled-samples';

let fixture: TrainerTestFixture;

beforeAll(async () => {
  fixture = await createTrainerTestFixture();
});
afterAll(async () => {
  await fixture?.close();
});

/** A project with the starter active and `count` images, each with a BOX on its first lesion. */
async function projectWithBoxes(count: number, seed: number) {
  const project = await fixture.createProject();
  const active = await ensureStarterModel(
    fixture.db,
    fixture.services.artifacts,
    project.id,
    fixture.env.STARTER_MODEL_DIR,
  );
  const samples = fixture.syntheticImages(count, seed);
  const ids: { imageId: string; taskId: string }[] = [];
  for (const sample of samples) {
    const { imageId, taskId } = await fixture.addImage(
      project.id,
      sample.image,
      sample.width,
      sample.height,
    );
    ids.push({ imageId, taskId });
    const box = maskBoundingBox(sample.lesions[0] ?? sample.mask) as Box;
    await fixture.db.weakLabel.create({
      data: {
        projectId: project.id,
        imageId,
        taskId,
        kind: 'BOX',
        boxX0: box.x0,
        boxY0: box.y0,
        boxX1: box.x1,
        boxY1: box.y1,
        createdById: project.userId,
      },
    });
  }
  return { project, active, ids, samples };
}

/** Human masks of `count` held-out images, as the training job passes its validation split. */
function validationHumanMasks(count: number, seed: number) {
  return fixture.syntheticImages(count, seed).map((s, i) => ({
    imageId: `validation-${i}`,
    sourceId: `annotation-${i}`,
    source: 'accepted' as const,
    image: {
      pixels: Float32Array.from(s.image, (v) => v / 255),
      width: s.width,
      height: s.height,
    },
    mask: s.mask,
    weight: 1,
  }));
}

describe('loadPseudoLabeledSamples', () => {
  it('turns accepted boxes into stored pseudo-masks and uses only confident ones, weighted by confidence', async () => {
    const { project, active } = await projectWithBoxes(4, 21);
    const input = { projectId: project.id, active, limit: 10, workDir: `${fixture.root}/pseudo` };
    const all = await loadPseudoLabeledSamples(fixture.services, { ...input, minConfidence: 0 });
    expect(all.considered).toBe(4);
    expect(all.used).toBe(4);
    for (const sample of all.samples) {
      expect(sample.source).toBe('pseudo');
      expect(sample.weight).toBeGreaterThanOrEqual(0);
      expect(sample.weight).toBeLessThanOrEqual(1);
      expect(sample.mask.width).toBe(sample.image.width);
    }
    const stored = await fixture.db.weakLabel.findMany({ where: { projectId: project.id } });
    // Provenance: source, model version, confidence and when, on every stored pseudo-mask.
    expect(
      stored.every(
        (label) =>
          label.pseudoMaskRle !== null &&
          label.pseudoModelVersionId === active.id &&
          label.pseudoSource === 'BOX' &&
          label.pseudoConfidence !== null &&
          label.pseudoMadeAt instanceof Date,
      ),
    ).toBe(true);
    expect(all.usedBySource).toEqual({ BOX: 4, TAG: 0, SELF_TRAINING: 0 });

    // Above every confidence: nothing is used; the stored pseudo-masks are reused, not recomputed.
    const none = await loadPseudoLabeledSamples(fixture.services, {
      ...input,
      minConfidence: 1.01,
    });
    expect(none).toMatchObject({ considered: 4, used: 0 });
    const threshold = Math.min(...all.samples.map((s) => s.weight)) + 1e-9;
    const some = await loadPseudoLabeledSamples(fixture.services, {
      ...input,
      minConfidence: threshold,
    });
    expect(some.used).toBe(all.samples.filter((s) => s.weight >= threshold).length);
  });

  it('skips boxes on images with a human mask (it is the label there) and superseded boxes', async () => {
    const { project, active, ids, samples } = await projectWithBoxes(3, 23);
    await fixture.acceptMask(ids[0]!.taskId, project.userId, samples[0]!.mask);
    await fixture.db.weakLabel.updateMany({
      where: { imageId: ids[1]!.imageId },
      data: { supersededAt: new Date() },
    });
    const result = await loadPseudoLabeledSamples(fixture.services, {
      projectId: project.id,
      active,
      minConfidence: 0,
      limit: 10,
      workDir: `${fixture.root}/pseudo3`,
    });
    expect(result.considered).toBe(1);
    expect(result.samples.map((s) => s.imageId)).toEqual([ids[2]!.imageId]);
    // The human-masked image's box got no pseudo-mask, and no Annotation was written for any box.
    const masked = await fixture.db.weakLabel.findFirstOrThrow({
      where: { imageId: ids[0]!.imageId },
    });
    expect(masked.pseudoMaskRle).toBeNull();
    expect(await fixture.db.annotation.count({ where: { projectId: project.id } })).toBe(1);
  });

  it('never uses a weak label on a validation image', async () => {
    const project = await fixture.createProject();
    const active = await ensureStarterModel(
      fixture.db,
      fixture.services.artifacts,
      project.id,
      fixture.env.STARTER_MODEL_DIR,
    );
    const [sample] = fixture.syntheticImages(1, 22);
    const { imageId } = await fixture.addImage(
      project.id,
      sample!.image,
      sample!.width,
      sample!.height,
    );
    await fixture.db.image.update({ where: { id: imageId }, data: { split: 'VALIDATION' } });
    await fixture.db.weakLabel.create({
      data: {
        projectId: project.id,
        imageId,
        kind: 'BOX',
        boxX0: 2,
        boxY0: 2,
        boxX1: 20,
        boxY1: 20,
        createdById: project.userId,
      },
    });
    const result = await loadPseudoLabeledSamples(fixture.services, {
      projectId: project.id,
      active,
      minConfidence: 0,
      limit: 10,
      workDir: `${fixture.root}/pseudo2`,
    });
    expect(result).toMatchObject({ considered: 0, used: 0 });
  });

  it("makes boxes wait until the active model's box rule is checked on human masks", async () => {
    const { project, active } = await projectWithBoxes(3, 24);
    // Human masks of held-out images, as the training job passes its validation split.
    const humanMasks = validationHumanMasks(2, 25);
    const input = {
      projectId: project.id,
      active,
      minConfidence: 0,
      limit: 10,
      workDir: `${fixture.root}/pseudo4`,
    };
    const unreachable = await loadPseudoLabeledSamples(fixture.services, {
      ...input,
      boxRuleCheck: { policy: { minDice: 1.01, minMasks: 1 }, humanMasks },
    });
    expect(unreachable).toMatchObject({ considered: 3, used: 0, boxesConsidered: 3 });
    expect(unreachable.boxRule).toMatchObject({ masks: 2, trusted: false, minDice: 1.01 });
    expect(unreachable.boxRule?.dice).toBeGreaterThanOrEqual(0);
    expect(unreachable.boxRule?.dice).toBeLessThanOrEqual(1);
    expect(unreachable.boxRule?.reason).toMatch(/wait: box Dice .* on 2 human masks is below 1.01/);
    // Waiting boxes get no pseudo-mask: nothing is stored until the box rule is trusted.
    const stored = await fixture.db.weakLabel.findMany({ where: { projectId: project.id } });
    expect(stored.every((label) => label.pseudoMaskRle === null)).toBe(true);

    const tooFew = await loadPseudoLabeledSamples(fixture.services, {
      ...input,
      boxRuleCheck: { policy: { minDice: 0.5, minMasks: 3 }, humanMasks },
    });
    expect(tooFew).toMatchObject({ used: 0, boxRule: { masks: 2, trusted: false } });
    expect(tooFew.boxRule?.reason).toMatch(/2 human mask\(s\).*3 needed/);

    const unchecked = await loadPseudoLabeledSamples(fixture.services, {
      ...input,
      boxRuleCheck: { policy: { minDice: 0, minMasks: 0 }, humanMasks },
    });
    expect(unchecked).toMatchObject({ used: 3, boxRule: { trusted: true } });
  });

  it('trains boxes as boxes while the box rule is not trusted, if asked, and stores no pseudo-mask', async () => {
    const { project, active, samples, ids } = await projectWithBoxes(3, 26);
    // A box wholly outside its image: no pixel to train on, so it must not become a negative.
    await fixture.db.weakLabel.create({
      data: {
        projectId: project.id,
        imageId: ids[0]!.imageId,
        taskId: ids[0]!.taskId,
        kind: 'BOX',
        boxX0: 5000,
        boxY0: 5000,
        boxX1: 5010,
        boxY1: 5010,
        createdById: project.userId,
      },
    });
    const humanMasks = validationHumanMasks(2, 27);
    const result = await loadPseudoLabeledSamples(fixture.services, {
      projectId: project.id,
      active,
      minConfidence: 0,
      limit: 10,
      workDir: `${fixture.root}/pseudo5`,
      boxRuleCheck: {
        policy: { minDice: 1.01, minMasks: 1 },
        humanMasks,
        untrusted: 'box-supervised',
      },
    });
    expect(result).toMatchObject({
      considered: 4,
      used: 3,
      boxSupervised: 3,
      usedBySource: { BOX: 3, TAG: 0, SELF_TRAINING: 0 },
      boxRule: { trusted: false },
    });
    const boxes = samples.map((s) => maskBoundingBox(s.lesions[0] ?? s.mask) as Box);
    for (const sample of result.samples) {
      expect(sample).toMatchObject({ source: 'pseudo', supervision: 'box', weight: 1 });
      // The mask is the box filled: its tight box is one of the drawn boxes, and it fills it.
      const tight = maskBoundingBox(sample.mask) as Box;
      expect(boxes).toContainEqual(tight);
      expect(maskArea(sample.mask)).toBe((tight.x1 - tight.x0) * (tight.y1 - tight.y0));
    }
    const stored = await fixture.db.weakLabel.findMany({ where: { projectId: project.id } });
    expect(stored.every((label) => label.pseudoMaskRle === null)).toBe(true);
  });
});
