/**
 * Real units on the volume page: a CT series (RescaleIntercept -1024, VOI window W400/L40) and a
 * scaled NIfTI (scl_slope/scl_inter) are uploaded to a real database and opened as the volume page
 * opens them; the value mapping and the file's window it returns give back the real values and
 * the file's window in real units, while the stored samples (the model's input) stay as before.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  toRealWindow,
  windowForSlice,
  windowPresets,
} from '../../../components/annotate/real-window';
import { dicomSeries16 } from '../../testing/dicom-series';
import { nifti16 } from '../../testing/medical-formats';
import {
  createWebTestContext,
  TEST_LIMITS,
  type WebTestContext,
} from '../../testing/web-test-context';
import { ingestUpload } from '../images/ingest-upload';
import { readImageVariant } from '../images/read-image-variant';
import { openVolume } from './open-volume';

const [W, H, D] = [6, 5, 4];
const plane = W * H;

describe('openVolume (real units)', () => {
  let ctx: WebTestContext;

  beforeAll(async () => {
    ctx = await createWebTestContext({ images: 0 });
  });
  afterAll(async () => {
    await ctx?.close();
  });

  /** Uploads the files and opens the volume named `name` from its slice `slice`. */
  async function uploadAndOpen(files: { name: string; bytes: Uint8Array }[], name: string) {
    const { outcomes } = await ingestUpload(
      { db: ctx.db, blobs: ctx.stores.blobs },
      { projectId: ctx.projectId, files },
      TEST_LIMITS,
    );
    expect(outcomes.every((o) => o.ok)).toBe(true);
    const volume = await ctx.db.volume.findFirstOrThrow({
      where: { projectId: ctx.projectId, name },
      select: { slices: { where: { sliceIndex: 2 }, select: { task: { select: { id: true } } } } },
    });
    const taskId = volume.slices[0]!.task!.id;
    return openVolume(ctx.db, ctx.projectId, taskId, ctx.users.annotator.id);
  }

  async function samplesOf(imageId: string) {
    const raw = await readImageVariant({ db: ctx.db, blobs: ctx.stores.blobs }, imageId, 'raw');
    return new Uint16Array(raw.bytes.slice().buffer);
  }

  it('a CT series: samples -> HU through the returned mapping, its VOI window W400/L40 in HU', async () => {
    // Stored values as a scanner writes them: HU + 1024, from air (-1000 HU) to bone (+1000 HU).
    const hu = Int16Array.from({ length: plane * D }, (_, i) => -1000 + ((i * 37) % 2001));
    const stored = Int16Array.from(hu, (v) => v + 1024);
    const files = dicomSeries16(
      W,
      H,
      D,
      stored,
      { orientation: [1, 0, 0, 0, 1, 0], pixelSpacing: [1, 1], origin: [0, 0, 0], sliceSpacing: 2 },
      {
        seriesDescription: 'hu series',
        order: [3, 1, 0, 2],
        rescale: { slope: 1, intercept: -1024 },
        window: { center: 40, width: 400 },
      },
    );
    const view = await uploadAndOpen(
      files.map((f) => ({ name: f.name, bytes: f.bytes })),
      'hu series',
    );
    expect(view.values.unit).toBe('HU');
    expect(toRealWindow(view.defaultWindow!, view.values)).toEqual({ center: 40, width: 400 });
    expect(windowPresets(view.values, view.modality)[0]).toEqual({
      name: 'Soft tissue',
      width: 400,
      center: 40,
    });

    const samples = await samplesOf(view.slices[2]!.imageId);
    const expected = Array.from(hu.subarray(2 * plane, 3 * plane));
    // The samples stay the signed stored values shifted by 32768, as before (the model's input).
    expect(Array.from(samples)).toEqual(
      Array.from(stored.subarray(2 * plane, 3 * plane), (v) => v + 32768),
    );
    expect(Array.from(samples, (s) => view.values.slope * s + view.values.intercept)).toEqual(
      expected,
    );
  });

  it('a scaled NIfTI: samples -> scl_slope * voxel + scl_inter, no file window, no CT presets', async () => {
    const voxels = Int16Array.from({ length: plane * D }, (_, i) => (i * 11) % 300);
    const bytes = nifti16(W, H, D, voxels, { sclSlope: 2, sclInter: -1000 });
    const view = await uploadAndOpen([{ name: 'scaled.nii', bytes }], 'scaled.nii');
    expect(view.defaultWindow).toBeNull();
    expect(windowPresets(view.values, view.modality)).toEqual([]);
    const samples = await samplesOf(view.slices[2]!.imageId);
    const expected = Array.from(voxels.subarray(2 * plane, 3 * plane), (v) => 2 * v - 1000);
    expect(Array.from(samples, (s) => view.values.slope * s + view.values.intercept)).toEqual(
      expected,
    );
  });

  it('a series with a rescale per file (PET): each slice maps through its own, one window fits all', async () => {
    const rescales = [
      { slope: 0.25, intercept: 0 },
      { slope: 1, intercept: 5 },
      { slope: 3, intercept: -20 },
      { slope: 0.5, intercept: 100 },
    ];
    const stored = Int16Array.from({ length: plane * D }, (_, i) => (i * 13) % 1000);
    const files = dicomSeries16(
      W,
      H,
      D,
      stored,
      { orientation: [1, 0, 0, 0, 1, 0], pixelSpacing: [1, 1], origin: [0, 0, 0], sliceSpacing: 2 },
      { seriesDescription: 'pet series', order: [2, 0, 3, 1], rescalePerSlice: rescales },
    );
    const view = await uploadAndOpen(
      files.map((f) => ({ name: f.name, bytes: f.bytes })),
      'pet series',
    );
    for (const slice of view.slices) {
      const k = slice.sliceIndex;
      const samples = await samplesOf(slice.imageId);
      const { slope, intercept } = rescales[k]!;
      const expected = Array.from(stored.subarray(k * plane, (k + 1) * plane), (v) =>
        Math.round((slope * v + intercept) * 1000),
      );
      const real = (m: { slope: number; intercept: number }) =>
        Array.from(samples, (s) => Math.round((m.slope * s + m.intercept) * 1000));
      expect(real(slice.values)).toEqual(expected);
      // The first slice's mapping, used for all slices before, is off on the others.
      if (k > 0) expect(real(view.values)).not.toEqual(expected);
      // The page's one window (in the first slice's units) means the same real window here.
      const kept = { center: 31000, width: 500 };
      const here = windowForSlice(kept, view.values, slice.values);
      const a = toRealWindow(kept, view.values);
      const b = toRealWindow(here, slice.values);
      expect(b.center).toBeCloseTo(a.center, 6);
      expect(b.width).toBeCloseTo(a.width, 6);
    }
  });
});
