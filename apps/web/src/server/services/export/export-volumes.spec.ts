/**
 * Volume exports against real saved masks: the NIfTI label volume carries the source header and
 * affine (read back with nifti-reader-js, whose qform maths is independent of ours, and checked by
 * hand: voxel -> mm), one object keeps one value through the volume, a manifest names the labels,
 * PNG names carry the slice index, and a DICOM series gets its patient geometry.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Mask } from '@loupe/prompts';
import * as nifti from 'nifti-reader-js';
import { unzipSync } from 'fflate';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nifti16 } from '../../testing/medical-formats';
import { pydicomTestFiles } from '../../testing/real-dicom-samples';
import { saveTestMask } from '../../testing/save-test-mask';
import {
  createWebTestContext,
  TEST_LIMITS,
  type WebTestContext,
} from '../../testing/web-test-context';
import { ingestImage } from '../images/ingest-image';
import { ingestUpload } from '../images/ingest-upload';
import { applyAffine, quaternToAffine } from '../images/volume-affine';
import { exportNiftiVolumes } from './export-nifti-volumes';
import { exportPngMasks } from './export-png-masks';

function rect(width: number, height: number, x0: number, y0: number, x1: number, y1: number): Mask {
  const data = new Uint8Array(width * height);
  for (let y = y0; y < y1; y++) data.fill(1, y * width + x0, y * width + x1);
  return { width, height, data };
}

/** A NIfTI-1 file with an oblique sform (code 2) and a different qform (code 1). */
function obliqueNifti(): Uint8Array {
  const file = nifti16(
    8,
    6,
    4,
    Int16Array.from({ length: 8 * 6 * 4 }, (_, i) => i * 3 - 50),
  );
  const view = new DataView(file.buffer, file.byteOffset);
  view.setInt16(252, 1, true); // qform_code
  view.setInt16(254, 2, true); // sform_code
  [0, 0, 0.7071068, 10, -20, 30].forEach((v, i) => view.setFloat32(256 + i * 4, v, true));
  // srow: 0.5 mm in x, mirrored y (-0.5 mm), 2 mm slices, shifted.
  [0.5, 0, 0, -90, 0, -0.5, 0, 120, 0, 0, 2, -60].forEach((v, i) =>
    view.setFloat32(280 + i * 4, v, true),
  );
  view.setFloat32(112, 0.5, true); // scl_slope
  view.setFloat32(116, 100, true); // scl_inter
  file.set(new TextEncoder().encode('oblique test volume'), 148);
  return file;
}

describe('volume exports', () => {
  let ctx: WebTestContext;
  let volumeId: string;
  beforeAll(async () => {
    ctx = await createWebTestContext({ images: 0 });
    const result = await ingestImage(
      { db: ctx.db, blobs: ctx.stores.blobs },
      { projectId: ctx.projectId, fileName: 'oblique.nii', bytes: obliqueNifti() },
      TEST_LIMITS,
    );
    volumeId = result.volumeId!;
    const save = (
      slice: number,
      objectId: string,
      mask: Mask,
      provenance: Partial<Parameters<typeof saveTestMask>[1]> = {},
    ) =>
      saveTestMask(ctx.db, {
        projectId: ctx.projectId,
        imageId: result.images[slice]!.id,
        userId: ctx.users.annotator.id,
        objectId,
        mask,
        ...provenance,
      });
    // Object "b" appears first on slice 1; "a" spans slices 1-3 and is listed second there: boxed
    // on slice 2, propagated to 1 and 3 (3 then corrected), and ended at slice 0 by the annotator.
    const a = { volumeEnds: [0] };
    await save(1, 'b', rect(8, 6, 0, 0, 2, 2), { sliceOrigin: 'prompted' });
    await save(1, 'a', rect(8, 6, 4, 3, 7, 5), {
      ...a,
      sliceOrigin: 'propagated',
      propagatedFrom: 2,
    });
    await save(2, 'a', rect(8, 6, 4, 3, 6, 5), { ...a, sliceOrigin: 'prompted' });
    await save(3, 'a', rect(8, 6, 5, 3, 6, 4), { ...a, sliceOrigin: 'edited', propagatedFrom: 2 });
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it('keeps the source header and affine, one value per object, with a manifest', async () => {
    const files = unzipSync(await exportNiftiVolumes(ctx.db, ctx.projectId));
    const buffer = files['oblique_labels.nii']!.slice().buffer;
    const header = nifti.readHeader(buffer);
    expect([header.qform_code, header.sform_code]).toEqual([1, 2]);
    expect(header.description).toBe('oblique test volume');
    expect(header.intent_code).toBe(1002);
    expect([header.scl_slope, header.scl_inter]).toEqual([1, 0]);
    expect(header.dims.slice(0, 4)).toEqual([3, 8, 6, 4]);
    // The sform rows survive byte for byte.
    const srow = Array.from({ length: 12 }, (_, i) =>
      new DataView(buffer).getFloat32(280 + i * 4, true),
    );
    expect(srow).toEqual([0.5, 0, 0, -90, 0, -0.5, 0, 120, 0, 0, 2, -60]);
    // Hand check: voxel (2, 3, 1) -> x = 0.5*2 - 90, y = -0.5*3 + 120, z = 2*1 - 60.
    const volume = await ctx.db.volume.findUniqueOrThrow({
      where: { id: volumeId },
      select: { affine: true, affineSource: true },
    });
    expect(volume.affineSource).toBe('nifti-sform');
    expect(applyAffine(volume.affine, 2, 3, 1)).toEqual([-89, 118.5, -58]);

    const labels = new Uint8Array(nifti.readImage(header, buffer));
    const at = (i: number, j: number, k: number) => labels[k * 48 + j * 8 + i];
    expect(at(0, 0, 1)).toBe(1); // "b": first seen
    expect([at(4, 3, 1), at(4, 3, 2), at(5, 3, 3)]).toEqual([2, 2, 2]); // "a" keeps value 2
    expect(labels.subarray(0, 48).every((v) => v === 0)).toBe(true);
    const manifest = JSON.parse(new TextDecoder().decode(files['oblique_labels.json']!)) as {
      labels: {
        value: number;
        objectId: string;
        slices: number[];
        ends: number[];
        sliceOrigins: { slice: number; origin: string | null; propagatedFrom: number | null }[];
      }[];
    };
    expect(manifest.labels.map((l) => [l.value, l.objectId, l.slices, l.ends])).toEqual([
      [1, 'b', [1], []],
      [2, 'a', [1, 2, 3], [0]],
    ]);
    // Provenance per slice: which were propagated (and from where), which edited.
    expect(manifest.labels[1]!.sliceOrigins).toEqual([
      { slice: 1, origin: 'propagated', propagatedFrom: 2 },
      { slice: 2, origin: 'prompted', propagatedFrom: null },
      { slice: 3, origin: 'edited', propagatedFrom: 2 },
    ]);
  });

  it('intensity is kept in real units (scl_slope / scl_inter)', async () => {
    const slice = await ctx.db.image.findFirstOrThrow({
      where: { volumeId, sliceIndex: 0 },
      select: { valueSlope: true, valueIntercept: true },
    });
    // Stored voxel v = 3i - 50 -> real = 0.5 v + 100; samples are v - min(v) = v + 50.
    const real = (sample: number) => slice.valueSlope * sample + slice.valueIntercept;
    expect(real(0)).toBeCloseTo(0.5 * -50 + 100, 6);
    expect(real(3)).toBeCloseTo(0.5 * -47 + 100, 6);
  });

  it('PNG names carry the slice index and values match the volume labels', async () => {
    const files = unzipSync(await exportPngMasks(ctx.db, ctx.projectId));
    const names = Object.keys(files)
      .filter((n) => n.endsWith('.png'))
      .sort();
    expect(names.map((n) => n.replace(/^masks\/\d+_/, ''))).toEqual([
      'oblique_slice0001.png',
      'oblique_slice0002.png',
      'oblique_slice0003.png',
    ]);
    const { data } = await sharp(files[names[2]!]!)
      .toColourspace('b-w')
      .raw()
      .toBuffer({ resolveWithObject: true });
    expect(data[3 * 8 + 5]).toBe(2);
  });

  const samples = pydicomTestFiles();
  it.skipIf(!samples)(
    'a DICOM series exports with sform = qform = its patient geometry',
    async () => {
      const dir = join(samples!, 'dicomdirtests/98892001/CT5N');
      const files = readdirSync(dir).map((name) => ({
        name,
        bytes: new Uint8Array(readFileSync(join(dir, name))),
      }));
      const { outcomes } = await ingestUpload(
        { db: ctx.db, blobs: ctx.stores.blobs },
        { projectId: ctx.projectId, files },
        TEST_LIMITS,
      );
      const id = outcomes[0]!.volumes![0]!.id;
      const volume = await ctx.db.volume.findUniqueOrThrow({
        where: { id },
        select: {
          affine: true,
          width: true,
          name: true,
          slices: { orderBy: { sliceIndex: 'asc' }, select: { slicePosition: true } },
        },
      });
      const zip = unzipSync(await exportNiftiVolumes(ctx.db, ctx.projectId));
      const entry = Object.keys(zip).find(
        (n) => n.endsWith('_labels.nii') && !n.startsWith('oblique'),
      )!;
      const buffer = zip[entry]!.slice().buffer;
      const header = nifti.readHeader(buffer);
      expect([header.qform_code, header.sform_code]).toEqual([1, 1]);
      // The sform is the affine; the qform, rebuilt by nifti-reader-js's own quaternion maths
      // (independent of ours), is the same matrix.
      volume.affine.forEach((v, i) => expect(header.affine.flat()[i]).toBeCloseTo(v, 4));
      const fromQform = (header as nifti.NIFTI1)
        .convertNiftiQFormToNiftiSForm(
          header.quatern_b,
          header.quatern_c,
          header.quatern_d,
          header.qoffset_x,
          header.qoffset_y,
          header.qoffset_z,
          header.pixDims[1]!,
          header.pixDims[2]!,
          header.pixDims[3]!,
          header.pixDims[0]!,
        )
        .flat();
      volume.affine.forEach((v, i) => expect(fromQform[i]).toBeCloseTo(v, 3));
      const ours = quaternToAffine({
        b: header.quatern_b,
        c: header.quatern_c,
        d: header.quatern_d,
        qx: header.qoffset_x,
        qy: header.qoffset_y,
        qz: header.qoffset_z,
        dx: header.pixDims[1]!,
        dy: header.pixDims[2]!,
        dz: header.pixDims[3]!,
        qfac: header.pixDims[0]!,
      });
      volume.affine.forEach((v, i) => expect(ours[i]).toBeCloseTo(v, 3));
      // Voxel (0, 0, k) is slice k's ImagePositionPatient, in RAS (x, y negated from LPS).
      const last = volume.slices[4]!.slicePosition;
      const [x, y, z] = applyAffine(fromQform, 0, 0, 4);
      expect([x, y, z].map((v) => v.toFixed(2))).toEqual(
        [-last[0]!, -last[1]!, last[2]!].map((v) => v.toFixed(2)),
      );
    },
  );
});
