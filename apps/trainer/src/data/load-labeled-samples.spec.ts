import { encodeMaskBytes } from '@loupe/prompts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrainerError } from '../errors';
import { createTrainerTestFixture, type TrainerTestFixture } from '../testing/trainer-test-fixture';
import { assignImageSplits } from './assign-image-splits';
import { loadLabeledSamples } from './load-labeled-samples';

let fixture: TrainerTestFixture;

beforeAll(async () => {
  fixture = await createTrainerTestFixture();
});
afterAll(async () => {
  await fixture?.close();
});

async function projectWithMasks(count: number) {
  const project = await fixture.createProject();
  const samples = fixture.syntheticImages(count, 11);
  const tasks = [];
  for (const sample of samples) {
    const { imageId, taskId } = await fixture.addImage(
      project.id,
      sample.image,
      sample.width,
      sample.height,
    );
    await fixture.acceptMask(taskId, project.userId, sample.lesions[0] ?? sample.mask);
    tasks.push({ imageId, taskId });
  }
  return { project, tasks };
}

describe('assignImageSplits + loadLabeledSamples', () => {
  it('holds out a fixed 20 % and never returns a validation image for training', async () => {
    const { project } = await projectWithMasks(15);
    expect(await assignImageSplits(fixture.db, project.id, 0.2)).toEqual({ assigned: 15 });
    const splits = await fixture.db.image.findMany({
      where: { projectId: project.id },
      select: { id: true, split: true },
    });
    const validationIds = new Set(splits.filter((s) => s.split === 'VALIDATION').map((s) => s.id));
    expect(validationIds.size).toBeGreaterThanOrEqual(2);
    expect(validationIds.size).toBeLessThanOrEqual(4);

    const data = await loadLabeledSamples(fixture.db, fixture.services.blobs, project.id);
    expect(data.train.length + data.validation.length).toBe(15);
    expect(data.train.some((s) => validationIds.has(s.imageId))).toBe(false);
    expect(new Set(data.validation.map((s) => s.imageId))).toEqual(validationIds);
    expect(data.train[0]?.image.pixels).toBeInstanceOf(Float32Array);
    expect(data.train[0]?.weight).toBe(1);

    // A second pass changes nothing: the split is decided once.
    expect(await assignImageSplits(fixture.db, project.id, 0.5)).toEqual({ assigned: 0 });
    const again = await fixture.db.image.findMany({
      where: { projectId: project.id },
      select: { id: true, split: true },
    });
    expect(again.sort((a, b) => a.id.localeCompare(b.id))).toEqual(
      splits.sort((a, b) => a.id.localeCompare(b.id)),
    );
  });

  it('splits volumes whole: every slice of a volume in one split, later slices follow it', async () => {
    const project = await fixture.createProject();
    const images = fixture.syntheticImages(26, 31);
    let next = 0;
    const addSlice = async (volumeId: string, sliceIndex: number) => {
      const sample = images[next++]!;
      const { imageId, taskId } = await fixture.addImage(
        project.id,
        sample.image,
        sample.width,
        sample.height,
      );
      await fixture.db.image.update({ where: { id: imageId }, data: { volumeId, sliceIndex } });
      await fixture.acceptMask(taskId, project.userId, sample.lesions[0] ?? sample.mask);
      return imageId;
    };
    const volumes = [];
    for (let n = 0; n < 11; n++)
      volumes.push(
        await fixture.db.volume.create({
          data: {
            projectId: project.id,
            name: `vol-${n}`,
            storageKey: `vol-${n}.nii`,
            sha256: `vol-${n}-${project.id}`,
            sizeBytes: 1,
            width: 48,
            height: 48,
            depth: 8,
          },
          select: { id: true },
        }),
      );
    // Ten volumes of two labelled slices each.
    for (const volume of volumes.slice(0, 10)) for (const k of [3, 4]) await addSlice(volume.id, k);
    const splitsOf = async () =>
      (
        await fixture.db.image.findMany({
          where: { projectId: project.id },
          select: { volumeId: true, split: true },
        })
      ).reduce((by, row) => {
        by.set(row.volumeId!, [...(by.get(row.volumeId!) ?? []), row.split!]);
        return by;
      }, new Map<string, string[]>());
    expect(await assignImageSplits(fixture.db, project.id, 0.2)).toEqual({ assigned: 20 });
    const first = await splitsOf();
    for (const splits of first.values()) expect(new Set(splits).size).toBe(1);
    const held = [...first].filter(([, s]) => s[0] === 'VALIDATION').map(([id]) => id);
    expect(held.length).toBeGreaterThanOrEqual(1);
    expect(held.length).toBeLessThanOrEqual(4);

    // A new slice of a held-out volume and of a training volume each follow their volume; in a
    // volume split slice by slice before (TRAIN and VALIDATION), a new slice goes to VALIDATION.
    const trained = [...first].find(([, s]) => s[0] === 'TRAIN')![0];
    const legacy = volumes[10]!.id;
    const [a, b] = [await addSlice(legacy, 0), await addSlice(legacy, 1)];
    await fixture.db.image.update({ where: { id: a }, data: { split: 'TRAIN' } });
    await fixture.db.image.update({ where: { id: b }, data: { split: 'VALIDATION' } });
    await addSlice(held[0]!, 5);
    await addSlice(trained, 5);
    await addSlice(legacy, 2);
    expect(await assignImageSplits(fixture.db, project.id, 0.2)).toEqual({ assigned: 3 });
    const second = await splitsOf();
    expect(second.get(held[0]!)).toEqual(['VALIDATION', 'VALIDATION', 'VALIDATION']);
    expect(second.get(trained)).toEqual(['TRAIN', 'TRAIN', 'TRAIN']);
    expect([...second.get(legacy)!].sort()).toEqual(['TRAIN', 'VALIDATION', 'VALIDATION']);
  });

  it('fails with MASK_MISMATCH naming the annotation when a mask does not fit its image', async () => {
    const { project, tasks } = await projectWithMasks(3);
    const wrong = encodeMaskBytes({ width: 7, height: 7, data: new Uint8Array(49).fill(1) });
    const annotation = await fixture.db.annotation.findFirstOrThrow({
      where: { taskId: tasks[0]?.taskId },
    });
    await fixture.db.annotation.update({
      where: { id: annotation.id },
      data: { finalRle: wrong as Uint8Array<ArrayBuffer> },
    });
    const error = await assignImageSplits(fixture.db, project.id, 0.2).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TrainerError);
    expect((error as TrainerError).code).toBe('MASK_MISMATCH');
    expect((error as TrainerError).message).toContain(annotation.id);
  });

  it('fails with CORRUPT_IMAGE naming the image when its pixels are not an image', async () => {
    const { project, tasks } = await projectWithMasks(3);
    await assignImageSplits(fixture.db, project.id, 0.2);
    const bad = await fixture.services.blobs.put(new TextEncoder().encode('not a png'), {
      ext: '.png',
    });
    await fixture.db.image.update({
      where: { id: tasks[1]?.imageId },
      data: { pixelsKey: bad.key },
    });
    const error = await loadLabeledSamples(fixture.db, fixture.services.blobs, project.id).catch(
      (e: unknown) => e,
    );
    expect((error as TrainerError).code).toBe('CORRUPT_IMAGE');
    expect((error as TrainerError).message).toContain(tasks[1]?.imageId);
  });

  it('reads pixels only for the training masks selectTrain keeps', async () => {
    const { project } = await projectWithMasks(8);
    await assignImageSplits(fixture.db, project.id, 0.2);
    const all = await loadLabeledSamples(fixture.db, fixture.services.blobs, project.id);
    const [kept, dropped] = all.train;
    // A dropped mask's image is unreadable: loading it would fail with CORRUPT_IMAGE.
    const bad = await fixture.services.blobs.put(new TextEncoder().encode('not a png'), {
      ext: '.png',
    });
    await fixture.db.image.update({
      where: { id: dropped!.imageId },
      data: { pixelsKey: bad.key },
    });
    const seen: string[] = [];
    const data = await loadLabeledSamples(fixture.db, fixture.services.blobs, project.id, {
      selectTrain: (rows) => {
        seen.push(...rows.map((r) => r.sourceId));
        expect(rows.every((r) => r.createdAt instanceof Date)).toBe(true);
        return rows.filter((r) => r.sourceId === kept!.sourceId);
      },
    });
    expect(seen).toEqual(all.train.map((s) => s.sourceId));
    expect(data.train.map((s) => s.sourceId)).toEqual([kept!.sourceId]);
    expect(data.trainAvailable).toBe(all.train.length);
    expect(data.validation.map((s) => s.sourceId)).toEqual(all.validation.map((s) => s.sourceId));
  });
  it("gives a volume slice the same object's mask on the adjacent slice of the same volume", async () => {
    const project = await fixture.createProject();
    const volume = (n: number) =>
      fixture.db.volume.create({
        data: {
          projectId: project.id,
          name: `vol-${n}`,
          storageKey: `vol-${n}.nii`,
          sha256: `vol-${n}-${project.id}`,
          sizeBytes: 1,
          width: 48,
          height: 48,
          depth: 8,
        },
      });
    const [first, second] = [await volume(1), await volume(2)];
    // [volume, slice, object, split]; null volume: a 2-D image.
    const layout = [
      [first.id, 0, 'a', 'TRAIN'],
      [first.id, 1, 'a', 'TRAIN'],
      [first.id, 2, 'a', 'TRAIN'],
      [first.id, 3, 'b', 'TRAIN'],
      [first.id, 4, 'a', 'VALIDATION'],
      [first.id, 5, 'a', 'TRAIN'],
      [second.id, 4, 'b', 'TRAIN'],
      [null, null, 'a', 'TRAIN'],
    ] as const;
    const images = fixture.syntheticImages(layout.length, 21);
    const masks = new Map<string, Uint8Array>();
    const rows: { sourceId: string; slice: number | null }[] = [];
    for (const [i, [volumeId, sliceIndex, objectId, split]] of layout.entries()) {
      const sample = images[i]!;
      const { imageId, taskId } = await fixture.addImage(
        project.id,
        sample.image,
        sample.width,
        sample.height,
      );
      await fixture.db.image.update({
        where: { id: imageId },
        data: { volumeId, sliceIndex, split },
      });
      const mask = sample.lesions[0] ?? sample.mask;
      const id = await fixture.acceptMask(taskId, project.userId, mask, objectId);
      masks.set(id, mask.data);
      rows.push({ sourceId: id, slice: sliceIndex });
    }
    // Slice 1 was propagated from slice 2: that side comes first.
    await fixture.db.annotation.update({
      where: { id: rows[1]!.sourceId },
      data: { sliceOrigin: 'propagated', propagatedFrom: 2 },
    });
    const data = await loadLabeledSamples(fixture.db, fixture.services.blobs, project.id);
    const neighbour = new Map(data.train.map((s) => [s.sourceId, s.neighbourMask]));
    const expected = [1, 2, 1, null, null, null, null, null];
    for (const [i, row] of rows.entries()) {
      if (layout[i]![3] === 'VALIDATION') continue;
      const want = expected[i];
      const got = neighbour.get(row.sourceId);
      if (want === null || want === undefined) expect(got, `row ${i}`).toBeUndefined();
      else expect(got?.data, `row ${i}`).toEqual(masks.get(rows[want]!.sourceId));
    }
    expect(data.train).toHaveLength(7);
    // Slice 5's only neighbour is a validation slice: no validation mask reaches training.
    expect(data.validation.map((s) => s.sourceId)).toEqual([rows[4]!.sourceId]);
    expect(data.validation[0]?.neighbourMask).toBeUndefined();
  });
});
