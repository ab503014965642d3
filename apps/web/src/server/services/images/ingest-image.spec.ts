/**
 * Ingest against a real database and blob store: every accepted format decodes to the right size
 * and bit depth (16-bit values survive), volumes become ordered slices with one task each, and
 * refused files leave no rows behind.
 */
import { gzipSync } from 'node:zlib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dicom16, nifti16, pngHeaderOnly, tiff16 } from '../../testing/medical-formats';
import { isAppError } from '../../errors/app-error';
import {
  createWebTestContext,
  TEST_LIMITS,
  testPng,
  type WebTestContext,
} from '../../testing/web-test-context';
import { ingestImage } from './ingest-image';
import { readImageVariant } from './read-image-variant';

const ramp16 = (n: number, offset = 0) =>
  Uint16Array.from({ length: n }, (_, i) => (offset + i * 997) % 65536);

describe('ingestImage', () => {
  let ctx: WebTestContext;
  const ingest = (fileName: string, bytes: Uint8Array, limits = TEST_LIMITS) =>
    ingestImage(
      { db: ctx.db, blobs: ctx.stores.blobs },
      { projectId: ctx.projectId, fileName, bytes },
      limits,
    );
  const refused = async (fileName: string, bytes: Uint8Array, limits = TEST_LIMITS) => {
    const before = await ctx.db.image.count({ where: { projectId: ctx.projectId } });
    const tasksBefore = await ctx.db.task.count({ where: { projectId: ctx.projectId } });
    try {
      await ingest(fileName, bytes, limits);
    } catch (error) {
      if (!isAppError(error)) throw error;
      expect(await ctx.db.image.count({ where: { projectId: ctx.projectId } })).toBe(before);
      expect(await ctx.db.task.count({ where: { projectId: ctx.projectId } })).toBe(tasksBefore);
      return error;
    }
    throw new Error(`${fileName} was accepted`);
  };

  beforeAll(async () => {
    ctx = await createWebTestContext({ images: 0 });
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it('PNG and JPEG (sniffed from content, not the name)', async () => {
    const png = await ingest('scan.dcm', await testPng(40, 30, 1));
    expect(png.mimeType).toBe('image/png');
    expect(png.images[0]).toMatchObject({ width: 40, height: 30, bitDepth: 8 });
    const jpeg = await sharp({
      create: { width: 50, height: 20, channels: 3, background: { r: 200, g: 10, b: 10 } },
    })
      .jpeg()
      .toBuffer();
    const j = await ingest('photo.png', new Uint8Array(jpeg));
    expect(j.mimeType).toBe('image/jpeg');
    expect(j.images[0]).toMatchObject({ width: 50, height: 20, bitDepth: 8 });
    const thumb = await readImageVariant(
      { db: ctx.db, blobs: ctx.stores.blobs },
      j.images[0]!.id,
      'thumbnail',
    );
    expect((await sharp(thumb.bytes).metadata()).format).toBe('jpeg');
  });

  it('16-bit TIFF keeps its 16-bit values', async () => {
    const pixels = ramp16(24 * 16);
    const result = await ingest('frame.tif', tiff16(24, 16, pixels));
    expect(result.mimeType).toBe('image/tiff');
    expect(result.images[0]).toMatchObject({ width: 24, height: 16, bitDepth: 16 });
    const raw = await readImageVariant(
      { db: ctx.db, blobs: ctx.stores.blobs },
      result.images[0]!.id,
      'raw',
    );
    const back = new Uint16Array(raw.bytes.slice().buffer);
    expect(Array.from(back.subarray(0, 50))).toEqual(Array.from(pixels.subarray(0, 50)));
  });

  it('single-frame DICOM, signed values shifted into 0..65535 in order', async () => {
    const signed = Int16Array.from({ length: 20 * 10 }, (_, i) => i * 10 - 1000);
    const result = await ingest('ct.dcm', dicom16(20, 10, signed, { signed: true }));
    expect(result.mimeType).toBe('application/dicom');
    expect(result.images[0]).toMatchObject({ width: 20, height: 10, bitDepth: 16 });
    const raw = await readImageVariant(
      { db: ctx.db, blobs: ctx.stores.blobs },
      result.images[0]!.id,
      'raw',
    );
    const back = new Uint16Array(raw.bytes.slice().buffer);
    expect(back[0]).toBe(-1000 + 32768);
    expect(back[199]).toBe(990 + 32768);
  });

  it('NIfTI volumes become ordered slices, each with a task; .nii.gz too', async () => {
    const voxels = Int16Array.from(
      { length: 8 * 6 * 5 },
      (_, i) => Math.floor(i / 48) * 100 + (i % 48),
    );
    const result = await ingest('brain.nii', nifti16(8, 6, 5, voxels));
    expect(result.mimeType).toBe('application/x-nifti');
    expect(result.images.map((i) => i.sliceIndex)).toEqual([0, 1, 2, 3, 4]);
    expect(new Set(result.images.map((i) => i.taskId)).size).toBe(5);
    const volume = await ctx.db.volume.findUniqueOrThrow({
      where: { id: result.volumeId! },
      select: { depth: true, width: true, height: true, spacing: true },
    });
    expect(volume).toEqual({ depth: 5, width: 8, height: 6, spacing: [0.5, 0.5, 2] });
    // slice order is preserved: the mean rises with the slice index
    const means = [];
    for (const image of result.images) {
      const raw = await readImageVariant({ db: ctx.db, blobs: ctx.stores.blobs }, image.id, 'raw');
      const values = new Uint16Array(raw.bytes.slice().buffer);
      means.push(values.reduce((a, b) => a + b, 0) / values.length);
    }
    expect(means).toEqual([...means].sort((a, b) => a - b));
    const gz = await ingest(
      'brain2.nii.gz',
      nifti16(8, 6, 2, voxels.subarray(0, 96), { gzip: true }),
    );
    expect(gz.images).toHaveLength(2);
  });

  it('refuses files that lie about their type, damaged files and oversized images, storing nothing', async () => {
    const text = await refused(
      'notes.png',
      new TextEncoder().encode('just some text, not an image at all'),
    );
    expect(text.code).toBe('UNSUPPORTED_MEDIA');
    expect(text.message).toMatch(/Not a PNG, JPEG, TIFF, DICOM or NIfTI/);

    const good = await testPng(40, 30, 9);
    const truncated = await refused('cut.png', good.subarray(0, good.length - 30));
    expect(truncated.code).toBe('BAD_INPUT');
    expect(truncated.message).toMatch(/damaged or truncated|Could not read/);

    const huge = await refused('huge.png', pngHeaderOnly(100_000, 100_000));
    expect(huge.code).toBe('TOO_LARGE');
    expect(huge.message).toMatch(/100000x100000/);

    const tooBig = await refused('big.png', good, { ...TEST_LIMITS, maxBytes: 100 });
    expect(tooBig.code).toBe('TOO_LARGE');

    const jpegDicom = await refused(
      'x.dcm',
      dicom16(4, 4, new Uint16Array(16), { transferSyntax: '1.2.840.10008.1.2.4.90' }),
    );
    expect(jpegDicom.code).toBe('BAD_INPUT');
    expect(jpegDicom.message).toMatch(/JPEG 2000 Lossless but the pixel data is not encapsulated/);
    const unknownSyntax = await refused(
      'odd.dcm',
      dicom16(4, 4, new Uint16Array(16), { transferSyntax: '1.2.3.4.5' }),
    );
    expect(unknownSyntax.message).toMatch(/Unknown DICOM transfer syntax 1\.2\.3\.4\.5/);

    // Three frames declared, one frame of pixel data present.
    const short = await refused('cine.dcm', dicom16(4, 4, new Uint16Array(16), { frames: 3 }));
    expect(short.message).toMatch(/shorter than declared: 32 bytes, but 3 frame\(s\)/);

    const fakeGzip = await refused(
      'fake.nii.gz',
      new Uint8Array([0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]),
    );
    expect(fakeGzip.code).toMatch(/BAD_INPUT|UNSUPPORTED_MEDIA/);

    const dup = await refused('again.png', await testPng(40, 30, 1));
    expect(dup.code).toBe('CONFLICT');
    expect(dup.message).toMatch(/already in the project/);
  });

  it('refuses a 2 GiB .nii.gz bomb from its header, storing nothing', async () => {
    // A NIfTI header declaring 2000x2000x64 int16, then 2 GiB of zeros in ~2 MB of gzip.
    const head = nifti16(2000, 2000, 64, new Int16Array(0)).subarray(0, 352);
    const zeros = gzipSync(Buffer.alloc(16 * 1024 * 1024), { level: 9 });
    const bomb = new Uint8Array(Buffer.concat([gzipSync(head), ...Array(128).fill(zeros)]));
    expect(bomb.length).toBeLessThan(TEST_LIMITS.maxBytes);
    const error = await refused('bomb.nii.gz', bomb, { ...TEST_LIMITS, maxVolumeBytes: 64 << 20 });
    expect(error.code).toBe('TOO_LARGE');
    expect(error.message).toMatch(/NIfTI header declares 2000x2000x64 voxels/);
  });
});
