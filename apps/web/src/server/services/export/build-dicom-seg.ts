/**
 * A DICOM SEG (binary, bit-packed) for one DICOM-sourced volume or image, built by dcmjs
 * (Normalizer + derivations.Segmentation) from the source instances themselves: the SEG
 * references their SOP Instance UIDs (and frame numbers for multi-frame sources), study, series
 * and frame of reference, with one segment per object (the values of `volumeLabelValues`).
 */
import type { Db } from '@loupe/db';
import dcmjs, { type NaturalDataset } from 'dcmjs';
import type { BlobStore } from '../../blobs';
import { AppError } from '../../errors/app-error';
import { loadExportAnnotations, type ExportImage } from './load-export-annotations';
import { volumeLabelValues } from './volume-label-values';

dcmjs.log.setLevel('error');

export interface DicomSegResult {
  bytes: Uint8Array;
  sopInstanceUid: string;
  seriesInstanceUid: string;
  segments: { number: number; objectId: string; label: string; frames: number }[];
}

/** SOP classes dcmjs can derive a SEG from (its normalizers). */
const SEG_SOURCES = new Set([
  '1.2.840.10008.5.1.4.1.1.2', // CT
  '1.2.840.10008.5.1.4.1.1.2.1', // Enhanced CT
  '1.2.840.10008.5.1.4.1.1.2.2', // Legacy Converted Enhanced CT
  '1.2.840.10008.5.1.4.1.1.4', // MR
  '1.2.840.10008.5.1.4.1.1.4.1', // Enhanced MR
  '1.2.840.10008.5.1.4.1.1.4.4', // Legacy Converted Enhanced MR
  '1.2.840.10008.5.1.4.1.1.20', // NM
  '1.2.840.10008.5.1.4.1.1.128', // PET
  '1.2.840.10008.5.1.4.1.1.130', // Enhanced PET
  '1.2.840.10008.5.1.4.1.1.6.2', // Enhanced US Volume
  '1.2.840.10008.5.1.4.1.1.77.1.5.1', // Ophthalmic Photography 8 Bit
  '1.2.840.10008.5.1.4.1.1.77.1.5.4', // Ophthalmic Tomography
]);

const toArrayBuffer = (bytes: Uint8Array) =>
  bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;

/** The source instance as dcmjs reads it, with pixel data replaced (a SEG needs only geometry). */
function readSource(bytes: Uint8Array): NaturalDataset {
  const file = dcmjs.data.DicomMessage.readFile(toArrayBuffer(bytes), { ignoreErrors: true });
  const ds = dcmjs.data.DicomMetaDictionary.naturalizeDataset(file.dict);
  const frames = Number(ds['NumberOfFrames'] ?? 1) || 1;
  const size =
    Number(ds['Rows']) * Number(ds['Columns']) * (Number(ds['BitsAllocated']) / 8 || 2) * frames;
  // dcmjs's normaliser copies single-frame PixelData as one ArrayBuffer.
  ds['PixelData'] = frames > 1 ? [new ArrayBuffer(size)] : new ArrayBuffer(size);
  ds._meta = { TransferSyntaxUID: { vr: 'UI', Value: ['1.2.840.10008.1.2.1'] } };
  return ds;
}

export async function buildDicomSeg(
  deps: { db: Db; blobs: BlobStore },
  projectId: string,
  target: { volumeId: string } | { imageId: string },
  options: { approvedOnly?: boolean } = {},
): Promise<DicomSegResult> {
  const all = await loadExportAnnotations(deps.db, projectId, options);
  const images: ExportImage[] =
    'volumeId' in target
      ? all
          .filter((i) => i.volumeId === target.volumeId)
          .sort((a, b) => a.sliceIndex! - b.sliceIndex!)
      : all.filter((i) => i.id === target.imageId);
  if (images.length === 0)
    throw new AppError('NOT_FOUND', 'Nothing to export: no such image or volume.');
  const sources = await deps.db.image.findMany({
    where: { id: { in: images.map((i) => i.id) } },
    select: {
      id: true,
      storageKey: true,
      sopInstanceUid: true,
      sopClassUid: true,
      frameNumber: true,
      mimeType: true,
    },
  });
  const byId = new Map(sources.map((s) => [s.id, s]));
  const first = byId.get(images[0]!.id)!;
  if (first.mimeType !== 'application/dicom' || !first.sopInstanceUid)
    throw new AppError('BAD_INPUT', 'DICOM SEG export needs a DICOM-sourced image or series.');
  if (!first.sopClassUid || !SEG_SOURCES.has(first.sopClassUid))
    throw new AppError(
      'UNSUPPORTED_MEDIA',
      `DICOM SEG export supports CT, MR, NM, PET, enhanced CT/MR/PET/US and ophthalmic sources (dcmjs normalizers); this source has SOP class ${first.sopClassUid ?? 'unknown'}.`,
    );
  const labels = volumeLabelValues(images);
  if (labels.size === 0)
    throw new AppError('BAD_INPUT', 'There are no masks to export as DICOM SEG.');

  // One dataset per source instance (a multi-frame source is one instance for all frames).
  const keys = [...new Set(images.map((i) => byId.get(i.id)!.storageKey))];
  const datasets: NaturalDataset[] = [];
  for (const key of keys) datasets.push(readSource(await deps.blobs.get(key)));
  const multiframe = dcmjs.normalizers.Normalizer.normalizeToDataset(datasets);
  if (!multiframe)
    throw new AppError(
      'UNSUPPORTED_MEDIA',
      'dcmjs could not normalise these source instances for SEG.',
    );
  const seg = new dcmjs.derivations.Segmentation([multiframe], { includeSliceSpacing: true });
  // Frame numbers of the normalised source: instances in the volume's order, or source frames.
  const frameOf = (image: ExportImage) => {
    const s = byId.get(image.id)!;
    return s.frameNumber ?? keys.indexOf(s.storageKey) + 1;
  };
  // Normalizer sorts single-frame instances along the normal; map frames by SOP Instance UID.
  const referenced = (multiframe['ReferencedSeriesSequence'] as NaturalDataset | undefined)?.[
    'ReferencedInstanceSequence'
  ] as NaturalDataset[] | undefined;
  const frameBySop = new Map<string, number>();
  referenced?.forEach((r, i) => frameBySop.set(String(r['ReferencedSOPInstanceUID']), i + 1));
  const normalisedFrame = (image: ExportImage) => {
    const s = byId.get(image.id)!;
    if (s.frameNumber) return s.frameNumber;
    return frameBySop.get(s.sopInstanceUid ?? '') ?? frameOf(image);
  };

  const values = [...labels.values()];
  const framesOf = values.map((l) =>
    images.filter((i) => i.objects.some((o) => o.objectId === l.objectId)),
  );
  seg.setNumberOfFrames(framesOf.reduce((n, f) => n + f.length, 0));
  values.forEach((label, k) => {
    const withObject = framesOf[k]!;
    const labelmaps = withObject.map((image) => {
      const map = new Uint8Array(image.width * image.height);
      const object = image.objects.find((o) => o.objectId === label.objectId)!;
      const data = object.mask.data;
      for (let i = 0; i < data.length; i++) if (data[i]) map[i] = 1;
      return map;
    });
    seg.addSegmentFromLabelmap(
      {
        SegmentLabel: `${label.label} ${label.objectId}`.slice(0, 64),
        SegmentNumber: k + 1,
        SegmentAlgorithmType: 'SEMIAUTOMATIC',
        SegmentAlgorithmName: 'Loupe',
        SegmentedPropertyCategoryCodeSequence: {
          CodeValue: '49755003',
          CodingSchemeDesignator: 'SCT',
          CodeMeaning: 'Morphologically Altered Structure',
        },
        SegmentedPropertyTypeCodeSequence: {
          CodeValue: '52988006',
          CodingSchemeDesignator: 'SCT',
          CodeMeaning: 'Lesion',
        },
        RecommendedDisplayCIELabValue: [65535, 32768, 32768].map((v, i) =>
          i === 0 ? v : (v + k * 4099) % 65536,
        ),
      },
      labelmaps,
      1,
      withObject.map(normalisedFrame),
    );
  });
  seg.bitPackPixelData();
  const ds = seg.dataset;
  ds['SeriesDescription'] = 'Loupe segmentation';
  ds['ContentCreatorName'] = 'Loupe';
  ds._meta = { TransferSyntaxUID: { vr: 'UI', Value: ['1.2.840.10008.1.2.1'] } };
  const dict = dcmjs.data.datasetToDict(ds);
  return {
    bytes: new Uint8Array(dict.write()),
    sopInstanceUid: String(ds['SOPInstanceUID']),
    seriesInstanceUid: String(ds['SeriesInstanceUID']),
    segments: values.map((l, k) => ({
      number: k + 1,
      objectId: l.objectId,
      label: l.label,
      frames: framesOf[k]!.length,
    })),
  };
}
