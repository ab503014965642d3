import path from 'node:path';
import { ensureStarterModel, registerModelVersion } from '@loupe/db';
import { generateSyntheticVolumes, type SyntheticVolume } from '@loupe/model/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadLabeledSamples } from '../data/load-labeled-samples';
import { loadValidationVolumes } from '../data/load-validation-volumes';
import { createTrainerTestFixture, type TrainerTestFixture } from '../testing/trainer-test-fixture';
import { evaluateAndGateCandidate } from './evaluate-and-gate-candidate';

// The shipped (trained) starter, and the fixture's untrained tiny model: two real models that
// propagate very differently.
const shippedStarter = path.resolve(__dirname, '../../../../models/starter');

let fixture: TrainerTestFixture;
beforeAll(async () => {
  fixture = await createTrainerTestFixture();
});
afterAll(async () => {
  await fixture?.close();
});

/** One synthetic volume stored as the web stores it: a Volume row, one image + task per slice. */
async function seedVolume(projectId: string, userId: string, v: SyntheticVolume) {
  const volume = await fixture.db.volume.create({
    data: {
      projectId,
      name: 'synthetic',
      storageKey: `synthetic-${projectId}.nii`,
      sha256: `synthetic-${projectId}`,
      sizeBytes: 1,
      width: v.width,
      height: v.height,
      depth: v.depth,
    },
  });
  const lesion = v.lesions[0]!;
  const splits: ('TRAIN' | 'VALIDATION' | null)[] = [];
  for (let k = 0; k < v.depth; k++) {
    const { imageId, taskId } = await fixture.addImage(projectId, v.slices[k]!, v.width, v.height);
    const present = lesion.masks[k]!.some((x) => x === 1);
    // Every third lesion slice is a training slice, the others held out; empty slices no split.
    const split = present ? (k % 3 === 0 ? 'TRAIN' : 'VALIDATION') : null;
    splits.push(split);
    await fixture.db.image.update({
      where: { id: imageId },
      data: { volumeId: volume.id, sliceIndex: k, split },
    });
    if (present)
      await fixture.acceptMask(
        taskId,
        userId,
        { width: v.width, height: v.height, data: lesion.masks[k]! },
        'lesion-1',
      );
  }
  return { volumeId: volume.id, splits };
}

describe('the promotion gate on a project with volumes', () => {
  it('measures propagation on the held-out volume for both models and records it with the decision', async () => {
    const project = await fixture.createProject();
    const [v] = generateSyntheticVolumes(1, {
      size: 96,
      depth: 14,
      lesions: [1, 1],
      span: [10, 10],
      splitChance: 0,
      radius: [14, 14],
      seed: 31,
    }) as [SyntheticVolume];
    const { volumeId, splits } = await seedVolume(project.id, project.userId, v);
    const lesion = v.lesions[0]!;

    const volumes = await loadValidationVolumes(fixture.db, fixture.services.blobs, project.id);
    expect(volumes).toHaveLength(1);
    const [held] = volumes;
    expect(held!.id).toBe(volumeId);
    expect(held!.slices).toHaveLength(v.depth);
    // Scored: every slice outside the training split (held-out lesion slices and empty ones).
    expect([...held!.scored].sort((a, b) => a - b)).toEqual(
      splits.flatMap((s, k) => (s === 'TRAIN' ? [] : [k])),
    );
    expect(held!.objects.map((o) => o.id)).toEqual(['lesion-1']);
    const masks = held!.objects[0]!.masks;
    expect([...masks.keys()].sort((a, b) => a - b)).toEqual(
      lesion.masks.flatMap((m, k) => (m.some((x) => x === 1) ? [k] : [])),
    );
    for (const [k, mask] of masks) expect(mask).toEqual(lesion.masks[k]);

    // Active: the untrained tiny model; candidate: the trained starter.
    const active = await ensureStarterModel(
      fixture.db,
      fixture.services.artifacts,
      project.id,
      fixture.env.STARTER_MODEL_DIR,
    );
    const candidate = await registerModelVersion(fixture.db, fixture.services.artifacts, {
      projectId: project.id,
      dir: shippedStarter,
      status: 'CANDIDATE',
      configName: 'base',
    });
    const labeled = await loadLabeledSamples(fixture.db, fixture.services.blobs, project.id);
    const outcome = await evaluateAndGateCandidate(fixture.services, {
      active,
      candidate,
      validation: labeled.validation,
      validationVolumes: volumes,
      maxNoc90Regression: 0.5,
      workDir: path.join(fixture.root, 'gate-work'),
    });
    expect(outcome.active.propagation).toMatchObject({ objects: 1, volumes: 1 });
    expect(outcome.candidate.propagation).toMatchObject({ objects: 1, volumes: 1 });
    const ours = outcome.candidate.propagation!.volumeDice!;
    const theirs = outcome.active.propagation!.volumeDice!;
    // The trained starter follows the lesion through the volume; the untrained model does not.
    expect(ours).toBeGreaterThan(0.6);
    expect(ours).toBeGreaterThan(theirs + 0.2);
    expect(outcome.promoted).toBe(outcome.decision.promote);
    // The acceptance-Dice gate decides; the plain Dice gate's verdict is recorded beside it.
    expect(outcome.gate).toBe('acceptance-dice');
    for (const side of [outcome.active, outcome.candidate]) {
      expect(side.acceptanceDice).toBeGreaterThanOrEqual(Math.min(1, side.dice));
      expect(side.acceptanceDice).toBeLessThanOrEqual(1);
    }
    expect(outcome.decision.reason).toMatch(/acceptance Dice/);
    if (outcome.promoted) expect(outcome.decision.reason).toMatch(/propagation volume Dice/);

    const stored = await fixture.db.modelVersion.findUniqueOrThrow({ where: { id: candidate.id } });
    const metrics = stored.metrics as {
      gate: string;
      acceptanceDice: number;
      diceGate: { promote: boolean; reason: string };
      propagation: { volumeDice: number; objects: number };
      comparedWith: { propagation: { volumeDice: number } };
    };
    expect(metrics.propagation.volumeDice).toBeCloseTo(ours, 10);
    expect(metrics.gate).toBe('acceptance-dice');
    expect(metrics.acceptanceDice).toBeCloseTo(outcome.candidate.acceptanceDice, 10);
    expect(metrics.diceGate).toEqual(outcome.diceGate);
    expect(metrics.comparedWith.propagation.volumeDice).toBeCloseTo(theirs, 10);
  });

  it('has no held-out volumes when the project has only 2-D images', async () => {
    const project = await fixture.createProject();
    const [sample] = fixture.syntheticImages(1, 5);
    const { taskId, imageId } = await fixture.addImage(
      project.id,
      sample!.image,
      sample!.width,
      sample!.height,
    );
    await fixture.db.image.update({ where: { id: imageId }, data: { split: 'VALIDATION' } });
    await fixture.acceptMask(taskId, project.userId, sample!.lesions[0] ?? sample!.mask);
    expect(await loadValidationVolumes(fixture.db, fixture.services.blobs, project.id)).toEqual([]);
  });
});
