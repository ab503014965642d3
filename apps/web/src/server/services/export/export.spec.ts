/**
 * Exports from real saved annotations: COCO RLE strings decode back to the saved masks, the PNG
 * zip holds one label map per annotated image, and volume exports keep slice positions.
 */
import { inflateRawSync } from 'node:zlib';
import { decodeRle, encodeMaskBytes, rleFromCocoString, type Mask } from '@loupe/prompts';
import * as nifti from 'nifti-reader-js';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nifti16 } from '../../testing/medical-formats';
import {
  createWebTestContext,
  TEST_LIMITS,
  type WebTestContext,
} from '../../testing/web-test-context';
import { ingestImage } from '../images/ingest-image';
import { exportCoco } from './export-coco';
import { exportNiftiVolumes } from './export-nifti-volumes';
import { exportPngMasks } from './export-png-masks';

/** Reads a stored (method 0) zip's entries via its central directory. */
function readStoredZip(zip: Uint8Array): Map<string, Uint8Array> {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const end = zip.length - 22;
  expect(view.getUint32(end, true)).toBe(0x06054b50);
  const count = view.getUint16(end + 10, true);
  let at = view.getUint32(end + 16, true);
  const entries = new Map<string, Uint8Array>();
  for (let i = 0; i < count; i++) {
    expect(view.getUint32(at, true)).toBe(0x02014b50);
    const method = view.getUint16(at + 10, true);
    const size = view.getUint32(at + 20, true);
    const nameLength = view.getUint16(at + 28, true);
    const local = view.getUint32(at + 42, true);
    const name = new TextDecoder().decode(zip.subarray(at + 46, at + 46 + nameLength));
    const localNameLength = view.getUint16(local + 26, true);
    const data = zip.subarray(local + 30 + localNameLength, local + 30 + localNameLength + size);
    entries.set(name, method === 0 ? data : new Uint8Array(inflateRawSync(data)));
    at += 46 + nameLength;
  }
  return entries;
}

function rect(width: number, height: number, x0: number, y0: number, x1: number, y1: number): Mask {
  const data = new Uint8Array(width * height);
  for (let y = y0; y < y1; y++) data.fill(1, y * width + x0, y * width + x1);
  return { width, height, data };
}

describe('exports', () => {
  let ctx: WebTestContext;
  const masks: Mask[] = [rect(64, 48, 5, 5, 20, 15), rect(64, 48, 30, 20, 40, 40)];
  beforeAll(async () => {
    ctx = await createWebTestContext({ images: 2 });
    const task = (await ctx.caller('annotator').queue.next({ projectId: ctx.projectId }))!;
    for (const [i, mask] of masks.entries())
      await ctx.caller('annotator').annotations.save({
        projectId: ctx.projectId,
        taskId: task.id,
        objectId: `obj${i}`,
        finalRle: Buffer.from(encodeMaskBytes(mask)).toString('base64'),
      });
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it('COCO JSON with RLE strings that decode to the saved masks', async () => {
    const coco = await exportCoco(ctx.db, ctx.projectId);
    expect(coco.images).toHaveLength(2);
    expect(coco.categories).toEqual([{ id: 1, name: 'leakage', supercategory: 'lesion' }]);
    expect(coco.annotations).toHaveLength(2);
    coco.annotations.forEach((a, i) => {
      const decoded = decodeRle(rleFromCocoString(a.segmentation.counts, a.segmentation.size));
      expect(Buffer.from(decoded.data).equals(Buffer.from(masks[i]!.data))).toBe(true);
      expect(a.area).toBe(masks[i]!.data.reduce((s, v) => s + v, 0));
    });
    expect(coco.annotations[0]!.bbox).toEqual([5, 5, 15, 10]);
  });

  it('PNG label maps in a zip, with a manifest', async () => {
    const files = readStoredZip(await exportPngMasks(ctx.db, ctx.projectId));
    const pngs = [...files.keys()].filter((n) => n.endsWith('.png'));
    expect(pngs).toHaveLength(1);
    const png = files.get(pngs[0]!)!;
    const meta = await sharp(png).metadata();
    expect([meta.width, meta.height, meta.channels]).toEqual([64, 48, 1]);
    const { data } = await sharp(png)
      .toColourspace('b-w')
      .raw()
      .toBuffer({ resolveWithObject: true });
    expect(data[10 * 64 + 10]).toBe(1);
    expect(data[30 * 64 + 35]).toBe(2);
    expect(data[0]).toBe(0);
    const manifest = JSON.parse(new TextDecoder().decode(files.get('manifest.json')!)) as {
      images: { objects: unknown[] }[];
    };
    expect(manifest.images[0]!.objects).toHaveLength(2);
  });

  it('NIfTI label volumes keep each mask on its slice', async () => {
    const volume = await ingestImage(
      { db: ctx.db, blobs: ctx.stores.blobs },
      {
        projectId: ctx.projectId,
        fileName: 'vol.nii',
        bytes: nifti16(
          16,
          12,
          3,
          Int16Array.from({ length: 16 * 12 * 3 }, (_, i) => i),
        ),
      },
      TEST_LIMITS,
    );
    const slice = volume.images[1]!;
    await ctx.db.task.updateMany({
      where: { projectId: ctx.projectId, id: { not: slice.taskId } },
      data: { status: 'APPROVED', leaseHolderId: null },
    });
    const task = (await ctx.caller('annotator2').queue.next({ projectId: ctx.projectId }))!;
    expect(task.id).toBe(slice.taskId);
    await ctx.caller('annotator2').annotations.save({
      projectId: ctx.projectId,
      taskId: task.id,
      objectId: 'v1',
      finalRle: Buffer.from(encodeMaskBytes(rect(16, 12, 2, 3, 6, 7))).toString('base64'),
    });
    const files = readStoredZip(await exportNiftiVolumes(ctx.db, ctx.projectId));
    const bytes = files.get('vol_labels.nii')!;
    const buffer = bytes.slice().buffer;
    expect(nifti.isNIFTI(buffer)).toBe(true);
    const header = nifti.readHeader(buffer);
    expect(header.dims.slice(0, 4)).toEqual([3, 16, 12, 3]);
    const labels = new Uint8Array(nifti.readImage(header, buffer));
    const plane = 16 * 12;
    expect(labels.subarray(0, plane).reduce((s, v) => s + v, 0)).toBe(0);
    expect(labels[plane + 4 * 16 + 3]).toBe(1);
    expect(labels.subarray(plane, 2 * plane).reduce((s, v) => s + v, 0)).toBe(16);
  });
});
