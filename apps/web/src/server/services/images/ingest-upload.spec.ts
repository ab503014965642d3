/**
 * Uploads of several real DICOM files (pydicom's dicomdirtests: CT and MR series as scanners wrote
 * them) against a real database: one series -> one ordered volume with its geometry, zips and
 * folders alike; mixed series and orientations are split, gaps and duplicates refused naming the
 * files, limits checked from headers, and a refused group stores nothing while the rest lands.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nifti16 } from '../../testing/medical-formats';
import { pydicomTestFiles, SAMPLES_SKIP_REASON } from '../../testing/real-dicom-samples';
import {
  createWebTestContext,
  TEST_LIMITS,
  type WebTestContext,
} from '../../testing/web-test-context';
import { ingestImage } from './ingest-image';
import { ingestUpload } from './ingest-upload';
import { applyAffine } from './volume-affine';

const samples = pydicomTestFiles();
if (!samples) console.log(`[skip] ${SAMPLES_SKIP_REASON}`);

function folder(relative: string) {
  const dir = join(samples!, 'dicomdirtests', relative);
  return readdirSync(dir)
    .sort()
    .map((name) => ({
      name: `${relative}/${name}`,
      bytes: new Uint8Array(readFileSync(join(dir, name))),
    }));
}

describe.skipIf(!samples)('ingestUpload (real DICOM series)', () => {
  let ctx: WebTestContext;
  const upload = (files: { name: string; bytes: Uint8Array }[], limits = TEST_LIMITS) =>
    ingestUpload(
      { db: ctx.db, blobs: ctx.stores.blobs },
      { projectId: ctx.projectId, files },
      limits,
    );
  const counts = async () => ({
    images: await ctx.db.image.count({ where: { projectId: ctx.projectId } }),
    volumes: await ctx.db.volume.count({ where: { projectId: ctx.projectId } }),
  });

  beforeAll(async () => {
    ctx = await createWebTestContext({ images: 0 });
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it('a zipped CT series becomes one volume sorted along the slice normal, geometry kept', async () => {
    const files = folder('98892001/CT5N');
    const zip = zipSync(Object.fromEntries(files.map((f) => [f.name, f.bytes])));
    const { outcomes } = await upload([{ name: 'ct.zip', bytes: zip }]);
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]).toMatchObject({ ok: true, message: 'volume of 5 slices' });
    const volume = await ctx.db.volume.findUniqueOrThrow({
      where: { id: outcomes[0]!.volumes![0]!.id },
      select: {
        kind: true,
        depth: true,
        spacing: true,
        affine: true,
        sliceOrder: true,
        seriesInstanceUid: true,
        sourceFormat: true,
        slices: {
          orderBy: { sliceIndex: 'asc' },
          select: {
            slicePosition: true,
            sopInstanceUid: true,
            valueUnit: true,
            sourceName: true,
            storageKey: true,
          },
        },
      },
    });
    expect(volume).toMatchObject({
      kind: 'VOLUME',
      depth: 5,
      sliceOrder: 'position',
      sourceFormat: 'dicom',
    });
    expect(volume.seriesInstanceUid).toBe('1.3.6.1.4.1.5962.1.1.0.0.0.1194734704.16302.0.6');
    // Instance numbers 6..10 run from z = 8.76 down to -1.24; the volume runs up the normal.
    expect(volume.slices.map((s) => s.slicePosition[2])).toEqual(
      [-1.2375, 1.2625, 3.7625, 6.2625, 8.7625].map((z) => expect.closeTo(z, 4)),
    );
    expect(volume.spacing[2]).toBeCloseTo(2.5, 5);
    expect(new Set(volume.slices.map((s) => s.sopInstanceUid)).size).toBe(5);
    expect(new Set(volume.slices.map((s) => s.storageKey)).size).toBe(5);
    expect(volume.slices[0]!.valueUnit).toBe('HU');
    expect(volume.slices[0]!.sourceName).toMatch(/^ct\/98892001\/CT5N\//);
    // The affine maps each slice's first voxel to its ImagePositionPatient (LPS -> RAS).
    volume.slices.forEach((s, k) => {
      const [x, y, z] = applyAffine(volume.affine, 0, 0, k);
      expect([x, y, z].map((v) => +v.toFixed(3))).toEqual([
        +(-s.slicePosition[0]!).toFixed(3),
        +(-s.slicePosition[1]!).toFixed(3),
        +s.slicePosition[2]!.toFixed(3),
      ]);
    });

    const again = await upload(files);
    expect(again.outcomes[0]).toMatchObject({ ok: false, code: 'CONFLICT' });
  });

  it('a gap in slice positions is refused naming the files on both sides; nothing stored', async () => {
    const before = await counts();
    const { outcomes } = await upload(folder('77654033/CT2'));
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]!.ok).toBe(false);
    expect(outcomes[0]!.message).toMatch(
      /Slices are missing between 77654033\/CT2\/17\d+ and 77654033\/CT2\/17\d+: a gap of 202\.50 mm where the spacing is 1\.25 mm/,
    );
    expect(await counts()).toEqual(before);
  });

  it('mixed series and orientations in one folder are split, each reported', async () => {
    const { outcomes } = await upload(folder('98892003/MR2'));
    // 3 series: one single file, and two localizers of 3 orientations each -> 7 images.
    expect(outcomes.filter((o) => o.ok)).toHaveLength(7);
    expect(outcomes.every((o) => o.message === 'added')).toBe(true);
  });

  it('duplicate instances, series over the slice limit, and a bad file among good ones', async () => {
    const ct = folder('98892001/CT5N');
    const before = await counts();
    const dup = await upload([ct[0]!, { ...ct[0]!, name: 'copy-of-first' }]);
    expect(dup.outcomes[0]!.message).toMatch(/and copy-of-first are the same instance/);
    const big = await upload(ct, { ...TEST_LIMITS, maxSlices: 3 });
    expect(big.outcomes[0]).toMatchObject({ ok: false, code: 'TOO_LARGE' });
    expect(big.outcomes[0]!.message).toMatch(/has 5 slices; the limit is 3/);
    expect(await counts()).toEqual(before);

    const rle = new Uint8Array(readFileSync(join(samples!, 'SC_rgb_rle_2frame.dcm')));
    const plan = new Uint8Array(readFileSync(join(samples!, 'rtplan.dcm')));
    const truncated = new Uint8Array(readFileSync(join(samples!, 'MR_small.dcm'))).subarray(
      0,
      5000,
    );
    const mixed = await upload([
      { name: 'cine.dcm', bytes: rle },
      { name: 'plan.dcm', bytes: plan },
      { name: 'cut.dcm', bytes: truncated },
    ]);
    const byName = new Map(mixed.outcomes.map((o) => [o.files[0], o]));
    expect(byName.get('cine.dcm')).toMatchObject({ ok: true, message: 'sequence of 2 frames' });
    expect(byName.get('plan.dcm')!.message).toMatch(/RT Plan, not an image/);
    expect(byName.get('cut.dcm')!.message).toMatch(/shorter than declared|truncated/);
    expect(await counts()).toEqual({ images: before.images + 2, volumes: before.volumes + 1 });
  });

  it('a multi-frame RT dose keeps its per-frame positions as a sequence', async () => {
    const bytes = new Uint8Array(readFileSync(join(samples!, 'rtdose.dcm')));
    const { outcomes } = await upload([{ name: 'dose.dcm', bytes }]);
    expect(outcomes[0]).toMatchObject({ ok: true, message: 'sequence of 15 frames' });
    const volume = await ctx.db.volume.findUniqueOrThrow({
      where: { id: outcomes[0]!.volumes![0]!.id },
      select: {
        kind: true,
        slices: {
          orderBy: { sliceIndex: 'asc' },
          select: { frameNumber: true, sopInstanceUid: true },
        },
      },
    });
    expect(volume.kind).toBe('SEQUENCE');
    expect(volume.slices.map((s) => s.frameNumber)).toEqual(
      Array.from({ length: 15 }, (_, i) => i + 1),
    );
    expect(new Set(volume.slices.map((s) => s.sopInstanceUid)).size).toBe(1);
  });

  it('a 4-D NIfTI becomes one volume per time point, or one sequence when chosen', async () => {
    const voxels = Int16Array.from({ length: 4 * 3 * 2 * 3 }, (_, i) => i - 10);
    const file = nifti16(4, 3, 2, voxels, {});
    // Make it 4-D: dim[0] = 4, dim[4] = 3 time points.
    const view = new DataView(file.buffer, file.byteOffset);
    view.setInt16(40, 4, true);
    view.setInt16(48, 3, true);
    const series = await ingestImage(
      { db: ctx.db, blobs: ctx.stores.blobs },
      { projectId: ctx.projectId, fileName: 'fmri.nii', bytes: file },
      TEST_LIMITS,
    );
    expect(series.volumes.map((v) => [v.kind, v.depth, v.timeIndex])).toEqual([
      ['VOLUME', 2, 0],
      ['VOLUME', 2, 1],
      ['VOLUME', 2, 2],
    ]);
    const flat = nifti16(
      4,
      3,
      1,
      Int16Array.from({ length: 12 * 3 }, (_, i) => i),
      {},
    );
    const flatView = new DataView(flat.buffer, flat.byteOffset);
    flatView.setInt16(40, 4, true);
    flatView.setInt16(48, 3, true);
    const seq = await ingestImage(
      { db: ctx.db, blobs: ctx.stores.blobs },
      { projectId: ctx.projectId, fileName: 'cine.nii', bytes: flat, fourD: 'sequence' },
      TEST_LIMITS,
    );
    expect(seq.volumes.map((v) => [v.kind, v.depth])).toEqual([['SEQUENCE', 3]]);
    // Real units survive: sample -> value mapping gives the int16 voxels back.
    const slice = await ctx.db.image.findFirstOrThrow({
      where: { volumeId: series.volumes[0]!.id, sliceIndex: 0 },
      select: { valueSlope: true, valueIntercept: true },
    });
    expect(slice).toEqual({ valueSlope: 1, valueIntercept: -10 });
  });
});
