import { ensureStarterModel } from '@loupe/db';
import { generateSyntheticFaDataset } from '@loupe/model/node';
import { decodeMaskBytes, maskArea, maskBoundingBox, type Box } from '@loupe/prompts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTrainerTestFixture, type TrainerTestFixture } from '../testing/trainer-test-fixture';
import { loadPseudoLabeledSamples } from './load-pseudo-labeled-samples';
import { ABSENT_TAG_WEIGHT } from './load-tag-pseudo-labeled-samples';

let fixture: TrainerTestFixture;

beforeAll(async () => {
  fixture = await createTrainerTestFixture();
});
afterAll(async () => {
  await fixture?.close();
});

/** Images with lesions tagged 'present', lesion-free ones tagged 'absent'. */
async function taggedProject(present: number, absent: number) {
  const project = await fixture.createProject();
  const active = await ensureStarterModel(
    fixture.db,
    fixture.services.artifacts,
    project.id,
    fixture.env.STARTER_MODEL_DIR,
  );
  const withLesions = fixture.syntheticImages(present, 31);
  const empty = generateSyntheticFaDataset({ count: absent, size: 48, seed: 32, lesions: [0, 0] });
  const images: {
    imageId: string;
    taskId: string;
    tag: string;
    mask: (typeof withLesions)[0]['mask'];
  }[] = [];
  for (const [tag, list] of [
    ['present', withLesions],
    ['absent', empty],
  ] as const)
    for (const sample of list) {
      const added = await fixture.addImage(project.id, sample.image, sample.width, sample.height);
      await fixture.db.weakLabel.create({
        data: {
          projectId: project.id,
          imageId: added.imageId,
          taskId: added.taskId,
          kind: 'IMAGE_TAG',
          tag,
          createdById: project.userId,
        },
      });
      images.push({ ...added, tag, mask: sample.mask });
    }
  return { project, active, images };
}

describe('tag weak labels in training', () => {
  it("turns 'absent' into low-weight empty masks and 'present' into tag pseudo-masks with provenance", async () => {
    const { project, active, images } = await taggedProject(3, 3);
    const input = {
      projectId: project.id,
      active,
      minConfidence: 0,
      limit: 20,
      workDir: `${fixture.root}/tags1`,
    };
    const result = await loadPseudoLabeledSamples(fixture.services, input);
    expect(result.considered).toBe(6);
    expect(result.usedBySource).toEqual({ BOX: 0, TAG: result.used, SELF_TRAINING: 0 });

    const absentIds = new Set(images.filter((i) => i.tag === 'absent').map((i) => i.imageId));
    const absentSamples = result.samples.filter((s) => absentIds.has(s.imageId));
    expect(absentSamples).toHaveLength(3);
    for (const s of absentSamples) {
      expect(maskArea(s.mask)).toBe(0);
      expect(s.weight).toBe(ABSENT_TAG_WEIGHT);
      expect(s.source).toBe('pseudo');
    }
    const presentSamples = result.samples.filter((s) => !absentIds.has(s.imageId));
    for (const s of presentSamples) {
      expect(maskArea(s.mask)).toBeGreaterThan(0);
      expect(s.mask.width).toBe(s.image.width);
    }

    const stored = await fixture.db.weakLabel.findMany({ where: { projectId: project.id } });
    for (const label of stored) {
      expect(label.pseudoSource).toBe('TAG');
      expect(label.pseudoMadeAt).toBeInstanceOf(Date);
      expect(label.pseudoMaskRle).not.toBeNull();
      if (label.tag === 'absent') {
        expect(label.pseudoConfidence).toBe(1);
        expect(label.pseudoModelVersionId).toBeNull();
      } else {
        // Made by the active model, with a confidence that weights its objects.
        expect(label.pseudoModelVersionId).toBe(active.id);
        expect(label.pseudoConfidence).toBeGreaterThanOrEqual(0);
        expect(label.pseudoConfidence).toBeLessThanOrEqual(1);
        const mask = decodeMaskBytes(label.pseudoMaskRle as Uint8Array);
        expect([mask.width, mask.height]).toEqual([48, 48]);
        for (const s of presentSamples.filter((p) => p.sourceId === label.id))
          expect(s.weight).toBe(label.pseudoConfidence);
      }
    }
    // Pseudo-masks never become human masks.
    expect(await fixture.db.annotation.count({ where: { projectId: project.id } })).toBe(0);

    // Reused while the same model is active: not made again.
    const again = await loadPseudoLabeledSamples(fixture.services, input);
    expect(again.used).toBe(result.used);
    const restored = await fixture.db.weakLabel.findMany({ where: { projectId: project.id } });
    expect(restored.map((l) => l.pseudoMadeAt?.getTime()).sort()).toEqual(
      stored.map((l) => l.pseudoMadeAt?.getTime()).sort(),
    );

    // Above every confidence only the 'absent' samples remain (their weight is a rule).
    const strict = await loadPseudoLabeledSamples(fixture.services, {
      ...input,
      minConfidence: 1.01,
    });
    expect(strict.used).toBe(3);
  });

  it("skips tagged images with a human mask or a box, and 'present' until both tags are common enough", async () => {
    const { project, active, images } = await taggedProject(3, 1);
    const [first, second] = images.filter((i) => i.tag === 'present');
    await fixture.acceptMask(first!.taskId, project.userId, first!.mask);
    const box = maskBoundingBox(second!.mask) as Box;
    await fixture.db.weakLabel.create({
      data: {
        projectId: project.id,
        imageId: second!.imageId,
        kind: 'BOX',
        boxX0: box.x0,
        boxY0: box.y0,
        boxX1: box.x1,
        boxY1: box.y1,
        createdById: project.userId,
      },
    });
    fixture.logs.length = 0;
    const result = await loadPseudoLabeledSamples(fixture.services, {
      projectId: project.id,
      active,
      minConfidence: 0,
      limit: 20,
      workDir: `${fixture.root}/tags2`,
    });
    // The human-masked image is not considered; the boxed one trains from its box, not its tag.
    expect(result.usedBySource.TAG).toBe(1);
    expect(result.usedBySource.BOX).toBe(1);
    const boxedTag = await fixture.db.weakLabel.findFirstOrThrow({
      where: { imageId: second!.imageId, kind: 'IMAGE_TAG' },
    });
    expect(boxedTag.pseudoMaskRle).toBeNull();
    expect(fixture.logs.some((l) => l.includes('need 2 of each'))).toBe(true);
  });
});
