/**
 * DICOM SEG round trip on a real CT series (pydicom's CT5N): masks saved on slices come back from
 * the SEG, read by dcmjs and, independently, from the raw pixel data dcmtk's dcmdump writes out;
 * the SEG references the source instances, study, series and frame of reference.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Mask } from '@loupe/prompts';
import dcmjs from 'dcmjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAppError } from '../../errors/app-error';
import { hasDcmtk, pydicomTestFiles, SAMPLES_SKIP_REASON } from '../../testing/real-dicom-samples';
import { saveTestMask } from '../../testing/save-test-mask';
import {
  createWebTestContext,
  TEST_LIMITS,
  type WebTestContext,
} from '../../testing/web-test-context';
import { ingestUpload } from '../images/ingest-upload';
import { buildDicomSeg } from './build-dicom-seg';

const samples = pydicomTestFiles();
if (!samples) console.log(`[skip] ${SAMPLES_SKIP_REASON}`);

function disc(width: number, height: number, cx: number, cy: number, r: number): Mask {
  const data = new Uint8Array(width * height);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      if ((x - cx) ** 2 + (y - cy) ** 2 <= r * r) data[y * width + x] = 1;
  return { width, height, data };
}

/** Frames of a bit-packed binary SEG (LSB first), and which segment/instance each refers to. */
function readSeg(bytes: Uint8Array) {
  const file = dcmjs.data.DicomMessage.readFile(
    bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
  );
  const ds = dcmjs.data.DicomMetaDictionary.naturalizeDataset(file.dict);
  const rows = Number(ds['Rows']);
  const cols = Number(ds['Columns']);
  const packed = new Uint8Array((ds['PixelData'] as ArrayBuffer[])[0]!);
  const perFrame = ds['PerFrameFunctionalGroupsSequence'] as Record<
    string,
    Record<string, unknown>
  >[];
  const frames = perFrame.map((f, k) => {
    const data = new Uint8Array(rows * cols);
    for (let i = 0; i < data.length; i++) {
      const bit = k * rows * cols + i;
      data[i] = ((packed[bit >> 3] ?? 0) >> (bit & 7)) & 1;
    }
    const derivation = f['DerivationImageSequence'] as Record<string, Record<string, unknown>>;
    return {
      segment: Number(
        (f['SegmentIdentificationSequence'] as Record<string, unknown>)['ReferencedSegmentNumber'],
      ),
      sop: String(derivation['SourceImageSequence']!['ReferencedSOPInstanceUID']),
      data,
    };
  });
  return { ds, frames, packed, rows, cols };
}

describe.skipIf(!samples)('DICOM SEG export', () => {
  let ctx: WebTestContext;
  let volumeId: string;
  const work = mkdtempSync(join(tmpdir(), 'loupe-seg-'));
  const saved = new Map<string, Mask>(); // `${sop}:${objectId}` -> mask
  beforeAll(async () => {
    ctx = await createWebTestContext({ images: 0 });
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
    volumeId = outcomes[0]!.volumes![0]!.id;
    const slices = await ctx.db.image.findMany({
      where: { volumeId },
      orderBy: { sliceIndex: 'asc' },
      select: { id: true, width: true, height: true, sopInstanceUid: true },
    });
    const put = async (k: number, objectId: string, mask: Mask) => {
      await saveTestMask(ctx.db, {
        projectId: ctx.projectId,
        imageId: slices[k]!.id,
        userId: ctx.users.annotator.id,
        objectId,
        mask,
      });
      saved.set(`${slices[k]!.sopInstanceUid}:${objectId}`, mask);
    };
    const { width: w, height: h } = slices[0]!;
    await put(1, 'liver', disc(w, h, 60, 50, 20));
    await put(2, 'liver', disc(w, h, 62, 52, 24));
    await put(2, 'cyst', disc(w, h, 100, 90, 6));
    await put(3, 'liver', disc(w, h, 64, 54, 18));
  });
  afterAll(async () => {
    await ctx?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('one segment per object, frames equal the saved masks and reference the source instances', async () => {
    const seg = await buildDicomSeg({ db: ctx.db, blobs: ctx.stores.blobs }, ctx.projectId, {
      volumeId,
    });
    expect(seg.segments.map((s) => [s.number, s.objectId, s.frames])).toEqual([
      [1, 'liver', 3],
      [2, 'cyst', 1],
    ]);
    const { ds, frames } = readSeg(seg.bytes);
    expect(ds['SOPClassUID']).toBe('1.2.840.10008.5.1.4.1.1.66.4');
    expect(ds['Modality']).toBe('SEG');
    const source = await ctx.db.volume.findUniqueOrThrow({
      where: { id: volumeId },
      select: { studyInstanceUid: true, seriesInstanceUid: true, frameOfReferenceUid: true },
    });
    expect(ds['StudyInstanceUID']).toBe(source.studyInstanceUid);
    expect(ds['FrameOfReferenceUID']).toBe(source.frameOfReferenceUid);
    expect((ds['ReferencedSeriesSequence'] as Record<string, unknown>)['SeriesInstanceUID']).toBe(
      source.seriesInstanceUid,
    );
    expect(frames).toHaveLength(4);
    const objects = ['liver', 'cyst'];
    for (const frame of frames) {
      const mask = saved.get(`${frame.sop}:${objects[frame.segment - 1]}`);
      expect(mask, `frame for ${frame.sop} segment ${frame.segment}`).toBeDefined();
      expect(Buffer.from(frame.data).equals(Buffer.from(mask!.data))).toBe(true);
    }
  });

  it.skipIf(!hasDcmtk())(
    'dcmtk reads the SEG and its raw pixel data gives the same bits',
    async () => {
      const seg = await buildDicomSeg({ db: ctx.db, blobs: ctx.stores.blobs }, ctx.projectId, {
        volumeId,
      });
      const file = join(work, 'seg.dcm');
      writeFileSync(file, seg.bytes);
      const dump = execFileSync('dcmdump', ['+W', work, file], { encoding: 'utf8' });
      expect(dump).toMatch(/SegmentationStorage/);
      expect(dump).toMatch(/\(0062,0005\) LO \[liver liver\]|SegmentLabel/);
      const raw = readdirSync(work).find((n) => n.endsWith('.raw'));
      expect(raw).toBeDefined();
      const fromDcmtk = new Uint8Array(readFileSync(join(work, raw!)));
      const { packed } = readSeg(seg.bytes);
      expect(Buffer.from(fromDcmtk.subarray(0, packed.length)).equals(Buffer.from(packed))).toBe(
        true,
      );
    },
  );

  it('refuses non-DICOM sources and images without masks', async () => {
    const png = await ctx.db.image.findFirst({
      where: { projectId: ctx.projectId, volumeId: null },
      select: { id: true },
    });
    const slice = await ctx.db.image.findFirstOrThrow({
      where: { volumeId, sliceIndex: 0 },
      select: { id: true },
    });
    const error = await buildDicomSeg({ db: ctx.db, blobs: ctx.stores.blobs }, ctx.projectId, {
      imageId: slice.id,
    }).catch((e: unknown) => e);
    expect(isAppError(error) && error.message).toMatch(/no masks/);
    expect(png).toBeNull();
  });
});
