import { ensureStarterModel } from '@loupe/db';
import { maskBoundingBox, type Box } from '@loupe/prompts';
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

describe('loadPseudoLabeledSamples', () => {
  it('turns accepted boxes into stored pseudo-masks and uses only confident ones, weighted by confidence', async () => {
    const project = await fixture.createProject();
    const active = await ensureStarterModel(
      fixture.db,
      fixture.services.artifacts,
      project.id,
      fixture.env.STARTER_MODEL_DIR,
    );
    const samples = fixture.syntheticImages(4, 21);
    for (const sample of samples) {
      const { imageId, taskId } = await fixture.addImage(
        project.id,
        sample.image,
        sample.width,
        sample.height,
      );
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
    expect(
      stored.every(
        (label) => label.pseudoMaskRle !== null && label.pseudoModelVersionId === active.id,
      ),
    ).toBe(true);

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
});
