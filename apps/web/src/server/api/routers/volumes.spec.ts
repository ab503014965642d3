/**
 * The volume page's server side against a real database, through the tRPC router: opening a
 * volume leases every slice task (others see them read-only), one object is saved across slices
 * with each slice's origin (prompted / propagated / edited) and the model version, a smaller
 * save removes the object from slices it left, the volume is submitted as one, and the NIfTI
 * label export reads back exactly the voxels that were saved.
 */
import { encodeMaskBytes, type Mask } from '@loupe/prompts';
import { unzipSync } from 'fflate';
import * as nifti from 'nifti-reader-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportNiftiVolumes } from '../../services/export/export-nifti-volumes';
import { ingestImage } from '../../services/images/ingest-image';
import { nifti16 } from '../../testing/medical-formats';
import {
  createWebTestContext,
  TEST_LIMITS,
  type WebTestContext,
} from '../../testing/web-test-context';

const W = 8;
const H = 6;
const DEPTH = 5;

function rect(x0: number, y0: number, x1: number, y1: number): Mask {
  const data = new Uint8Array(W * H);
  for (let y = y0; y < y1; y++) data.fill(1, y * W + x0, y * W + x1);
  return { width: W, height: H, data };
}
const b64 = (mask: Mask) => Buffer.from(encodeMaskBytes(mask)).toString('base64');

describe('volumes router', () => {
  let ctx: WebTestContext;
  let taskIds: string[];
  let modelVersionId: string;
  beforeAll(async () => {
    ctx = await createWebTestContext({ images: 0 });
    const file = nifti16(
      W,
      H,
      DEPTH,
      Int16Array.from({ length: W * H * DEPTH }, (_, i) => i % 97),
    );
    const view = new DataView(file.buffer, file.byteOffset);
    view.setInt16(254, 1, true); // sform_code: scanner
    [1, 0, 0, -4, 0, 1, 0, -3, 0, 0, 2.5, 10].forEach((v, i) =>
      view.setFloat32(280 + i * 4, v, true),
    );
    const result = await ingestImage(
      { db: ctx.db, blobs: ctx.stores.blobs },
      { projectId: ctx.projectId, fileName: 'scan.nii', bytes: file },
      TEST_LIMITS,
    );
    taskIds = result.images.map((i) => i.taskId);
    modelVersionId = (await ctx.caller('annotator').models.active({ projectId: ctx.projectId }))!
      .modelVersionId;
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it('opens the whole volume from one slice task, with slice positions in mm', async () => {
    const opened = await ctx
      .caller('annotator')
      .volumes.open({ projectId: ctx.projectId, taskId: taskIds[2]! });
    expect(opened.depth).toBe(DEPTH);
    expect(opened.startSlice).toBe(2);
    expect(opened.slices.map((s) => s.sliceIndex)).toEqual([0, 1, 2, 3, 4]);
    expect(opened.slices.every((s) => s.editable)).toBe(true);
    expect(opened.slices.map((s) => s.positionMm)).toEqual([10, 12.5, 15, 17.5, 20]);
    const leased = await ctx.db.task.findMany({
      where: { id: { in: taskIds } },
      select: { status: true, leaseHolderId: true },
    });
    expect(leased.every((t) => t.status === 'IN_PROGRESS')).toBe(true);
    expect(new Set(leased.map((t) => t.leaseHolderId))).toEqual(new Set([ctx.users.annotator.id]));
    // Someone else sees the volume read-only and cannot save into it.
    const other = await ctx
      .caller('annotator2')
      .volumes.open({ projectId: ctx.projectId, taskId: taskIds[0]! });
    expect(other.slices.some((s) => s.editable)).toBe(false);
    await expect(
      ctx.caller('annotator2').volumes.saveObject({
        projectId: ctx.projectId,
        volumeId: opened.id,
        objectId: 'intruder',
        slices: [
          {
            sliceIndex: 1,
            finalRle: b64(rect(0, 0, 2, 2)),
            origin: 'prompted',
            clicks: 0,
            brushStrokes: 0,
          },
        ],
      }),
    ).rejects.toThrow(/not yours to edit/);
  });

  it('saves one object across slices with provenance, then shrinks it', async () => {
    const annotator = ctx.caller('annotator');
    const { id: volumeId } = await annotator.volumes.open({
      projectId: ctx.projectId,
      taskId: taskIds[2]!,
    });
    const seed = rect(2, 1, 6, 5);
    const propagated = rect(3, 1, 6, 4);
    const edited = rect(3, 2, 5, 4);
    const slices = [
      {
        sliceIndex: 2,
        finalRle: b64(seed),
        proposalRle: b64(seed),
        origin: 'prompted' as const,
        clicks: 0,
        brushStrokes: 0,
      },
      ...[1, 3].map((sliceIndex) => ({
        sliceIndex,
        finalRle: b64(propagated),
        proposalRle: b64(propagated),
        origin: 'propagated' as const,
        propagatedFrom: 2,
        clicks: 0,
        brushStrokes: 0,
      })),
      {
        sliceIndex: 4,
        finalRle: b64(edited),
        proposalRle: b64(propagated),
        origin: 'edited' as const,
        propagatedFrom: 2,
        clicks: 0,
        brushStrokes: 1,
      },
    ];
    const saved = await annotator.volumes.saveObject({
      projectId: ctx.projectId,
      volumeId,
      objectId: 'lesion-1',
      modelVersionId,
      activeSeconds: 30,
      slices,
    });
    expect(saved).toEqual({
      slices: 4,
      ends: [],
      area: 16 + 9 + 9 + 4,
      propagatedWithoutEdit: 2,
      removed: 0,
    });
    const rows = await ctx.db.annotation.findMany({
      where: { objectId: 'lesion-1' },
      select: {
        sliceOrigin: true,
        propagatedFrom: true,
        modelVersionId: true,
        acceptedWithoutEdit: true,
        editPixels: true,
        image: { select: { sliceIndex: true } },
      },
    });
    const bySlice = new Map(rows.map((r) => [r.image.sliceIndex, r]));
    expect(bySlice.get(2)).toMatchObject({ sliceOrigin: 'prompted', propagatedFrom: null });
    expect(bySlice.get(1)).toMatchObject({
      sliceOrigin: 'propagated',
      propagatedFrom: 2,
      acceptedWithoutEdit: true,
      modelVersionId,
    });
    expect(bySlice.get(4)).toMatchObject({
      sliceOrigin: 'edited',
      acceptedWithoutEdit: false,
      editPixels: 5,
    });

    // Accepting it again on fewer slices removes it from the one it left.
    const smaller = await annotator.volumes.saveObject({
      projectId: ctx.projectId,
      volumeId,
      objectId: 'lesion-1',
      modelVersionId,
      slices: slices.filter((slice) => slice.sliceIndex !== 1),
    });
    expect(smaller.removed).toBe(1);
    const reopened = await annotator.volumes.open({
      projectId: ctx.projectId,
      taskId: taskIds[0]!,
    });
    expect(reopened.annotations.map((a) => [a.sliceIndex, a.sliceOrigin]).sort()).toEqual([
      [2, 'prompted'],
      [3, 'propagated'],
      [4, 'edited'],
    ]);

    // Bad input: a slice listed twice is refused and nothing changes.
    await expect(
      annotator.volumes.saveObject({
        projectId: ctx.projectId,
        volumeId,
        objectId: 'lesion-1',
        slices: [
          { sliceIndex: 2, finalRle: b64(seed), origin: 'prompted', clicks: 0, brushStrokes: 0 },
          { sliceIndex: 2, finalRle: b64(seed), origin: 'prompted', clicks: 0, brushStrokes: 0 },
        ],
      }),
    ).rejects.toThrow(/listed twice/);
  });

  it('keeps the slices where the annotator ended an object, and gives them back on open', async () => {
    const annotator = ctx.caller('annotator');
    const { id: volumeId } = await annotator.volumes.open({
      projectId: ctx.projectId,
      taskId: taskIds[1]!,
    });
    const mask = rect(0, 0, 2, 2);
    const slice = (sliceIndex: number, origin: 'prompted' | 'propagated') => ({
      sliceIndex,
      finalRle: b64(mask),
      proposalRle: b64(mask),
      origin,
      propagatedFrom: origin === 'propagated' ? 1 : null,
      clicks: 0,
      brushStrokes: 0,
    });
    const saved = await annotator.volumes.saveObject({
      projectId: ctx.projectId,
      volumeId,
      objectId: 'ended',
      modelVersionId,
      slices: [slice(1, 'prompted'), slice(2, 'propagated')],
      ends: [3, 0, 3],
    });
    expect(saved.ends).toEqual([0, 3]);
    const rows = await ctx.db.annotation.findMany({
      where: { objectId: 'ended' },
      select: { volumeEnds: true },
    });
    expect(rows.map((r) => r.volumeEnds)).toEqual([
      [0, 3],
      [0, 3],
    ]);
    const reopened = await annotator.volumes.open({
      projectId: ctx.projectId,
      taskId: taskIds[1]!,
    });
    const mine = reopened.annotations.filter((a) => a.objectId === 'ended');
    expect(mine.map((a) => a.volumeEnds)).toEqual([
      [0, 3],
      [0, 3],
    ]);

    // An end on a slice the object covers, or past the volume, is refused and nothing changes.
    await expect(
      annotator.volumes.saveObject({
        projectId: ctx.projectId,
        volumeId,
        objectId: 'ended',
        slices: [slice(1, 'prompted'), slice(2, 'propagated')],
        ends: [2],
      }),
    ).rejects.toThrow(/slice 2 has a mask/);
    await expect(
      annotator.volumes.saveObject({
        projectId: ctx.projectId,
        volumeId,
        objectId: 'ended',
        slices: [slice(1, 'prompted')],
        ends: [DEPTH],
      }),
    ).rejects.toThrow(/no slice 5/);
    const after = await ctx.db.annotation.findMany({
      where: { objectId: 'ended' },
      select: { volumeEnds: true },
    });
    expect(after.map((r) => r.volumeEnds)).toEqual([
      [0, 3],
      [0, 3],
    ]);
    // Out of the way of the export below.
    await annotator.volumes.removeObject({ projectId: ctx.projectId, volumeId, objectId: 'ended' });
    expect(await ctx.db.annotation.count({ where: { objectId: 'ended' } })).toBe(0);
  });

  it('submits the volume as one and exports the saved voxels', async () => {
    const annotator = ctx.caller('annotator');
    const { id: volumeId } = await annotator.volumes.open({
      projectId: ctx.projectId,
      taskId: taskIds[0]!,
    });
    const finished = await annotator.volumes.finish({
      projectId: ctx.projectId,
      volumeId,
      status: 'SUBMITTED',
    });
    expect(finished).toEqual({ slices: DEPTH, status: 'SUBMITTED' });
    const statuses = await ctx.db.task.findMany({
      where: { id: { in: taskIds } },
      select: { status: true, leaseHolderId: true },
    });
    expect(statuses.every((t) => t.status === 'SUBMITTED' && t.leaseHolderId === null)).toBe(true);

    const files = unzipSync(await exportNiftiVolumes(ctx.db, ctx.projectId));
    const name = Object.keys(files).find((n) => n.endsWith('_labels.nii'))!;
    const buffer = files[name]!.slice().buffer;
    const header = nifti.readHeader(buffer);
    expect(header.dims.slice(0, 4)).toEqual([3, W, H, DEPTH]);
    const labels = new Uint8Array(nifti.readImage(header, buffer));
    const expected = new Uint8Array(W * H * DEPTH);
    const put = (k: number, mask: Mask) =>
      mask.data.forEach((v, i) => {
        if (v) expected[k * W * H + i] = 1;
      });
    put(2, rect(2, 1, 6, 5));
    put(3, rect(3, 1, 6, 4));
    put(4, rect(3, 2, 5, 4));
    expect(Array.from(labels)).toEqual(Array.from(expected));
  });
});
