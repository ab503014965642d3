import { describe, expect, it } from 'vitest';
import { decodeDicomFile, readDicomFileHeader } from '../services/images/dicom/decode-dicom-file';
import { planDicomSeries } from '../services/images/dicom/plan-dicom-series';
import { dicomSeries16 } from './dicom-series';

const LIMITS = { maxBytes: 64 << 20, maxSide: 4096, maxPixels: 16_000_000, maxSlices: 64 };

describe('dicomSeries16', () => {
  const [W, H, D] = [5, 4, 3];
  const voxels = Int16Array.from({ length: W * H * D }, (_, i) => i * 7 - 100);
  const files = dicomSeries16(
    W,
    H,
    D,
    voxels,
    {
      orientation: [1, 0, 0, 0, 1, 0],
      pixelSpacing: [0.8, 0.6],
      origin: [-10, 20, 30],
      sliceSpacing: 2.5,
    },
    { order: [2, 0, 1] },
  );

  it('writes one file per slice, in the order asked, positions along the normal', async () => {
    expect(files.map((f) => f.sliceIndex)).toEqual([2, 0, 1]);
    const headers = files.map((f) => readDicomFileHeader(f.bytes));
    expect(new Set(headers.map((h) => h.source.seriesInstanceUid)).size).toBe(1);
    expect(headers.map((h) => h.framesGeometry[0]?.position)).toEqual([
      [-10, 20, 35],
      [-10, 20, 30],
      [-10, 20, 32.5],
    ]);
    // The values of slice 2 come back exactly (signed samples, through the decoder's mapping).
    const decoded = await decodeDicomFile(files[0]!.bytes, LIMITS);
    expect(decoded.header.signed).toBe(true);
    const real = Array.from(
      decoded.frames[0]!,
      (s) => decoded.values.slope * s + decoded.values.intercept,
    );
    expect(real).toEqual(Array.from(voxels.subarray(2 * W * H, 3 * W * H)));
  });

  it('is planned as one volume sorted by ImagePositionPatient', () => {
    const { plans, refusals } = planDicomSeries(
      files.map((f, index) => ({ index, name: f.name, header: readDicomFileHeader(f.bytes) })),
      LIMITS,
    );
    expect(refusals).toEqual([]);
    expect(plans.map((p) => [p.kind, p.files, p.sliceOrder])).toEqual([
      ['volume', [1, 2, 0], 'position'],
    ]);
    expect(plans[0]!.spacing).toEqual([0.6, 0.8, 2.5]);
  });
});
