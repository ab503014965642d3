/**
 * Decoded DICOM files -> the decoders' common shapes: a single-frame file is an image, a
 * multi-frame one a sequence, a planned series a volume (slices in the plan's order, each keeping
 * its own value mapping, window, position and SOP Instance UID).
 */
import { AppError } from '../../../errors/app-error';
import type { DecodedImage, DecodedVolume, DicomReference } from '../decoded-image';
import type { DecodedDicom } from './decode-dicom-file';
import type { DicomPlan } from './plan-dicom-series';

export function dicomReference(d: DecodedDicom, frameNumber: number | null): DicomReference {
  const s = d.header.source;
  return {
    studyInstanceUid: s.studyInstanceUid,
    seriesInstanceUid: s.seriesInstanceUid,
    sopInstanceUid: s.sopInstanceUid,
    sopClassUid: s.sopClassUid,
    frameOfReferenceUid: s.frameOfReferenceUid,
    frameNumber,
  };
}

export function dicomToImage(d: DecodedDicom): DecodedImage {
  return {
    kind: 'image',
    width: d.width,
    height: d.height,
    bitDepth: d.bitDepth,
    channels: d.channels,
    pixels: d.frames[0] as Uint8Array | Uint16Array,
    values: d.values,
    window: d.window,
    dicom: dicomReference(d, null),
  };
}

function seriesOf(d: DecodedDicom): NonNullable<DecodedVolume['series']> {
  const s = d.header.source;
  return {
    studyInstanceUid: s.studyInstanceUid,
    seriesInstanceUid: s.seriesInstanceUid,
    frameOfReferenceUid: s.frameOfReferenceUid,
    modality: s.modality,
  };
}

/** A multi-frame object as a sequence (frame order kept). */
export function dicomToSequence(d: DecodedDicom, plan: DicomPlan, name: string): DecodedVolume {
  return {
    kind: 'volume',
    volumeKind: 'SEQUENCE',
    width: d.width,
    height: d.height,
    depth: d.frames.length,
    bitDepth: d.bitDepth,
    slices: d.frames,
    spacing: plan.spacing ?? [],
    affine: plan.affine ?? [],
    affineSource: plan.affine ? 'dicom' : 'none',
    sliceOrder: 'frame',
    values: d.values,
    window: d.window,
    sliceInfo: d.frames.map((_, f) => ({
      position: plan.positions?.[f] ?? null,
      dicom: dicomReference(d, f + 1),
      sourceIndex: plan.files[0] as number,
      sourceName: name,
    })),
    series: seriesOf(d),
  };
}

/** Single-frame files of one planned series -> one volume in the plan's order. */
export function dicomSeriesToVolume(
  plan: DicomPlan,
  decoded: Map<number, DecodedDicom>,
  names: Map<number, string>,
): DecodedVolume {
  const files = plan.files.map((i) => decoded.get(i) as DecodedDicom);
  const first = files[0] as DecodedDicom;
  const mixed = files.find((f) => f.bitDepth !== first.bitDepth);
  if (mixed)
    throw new AppError(
      'BAD_INPUT',
      `The series mixes ${first.bitDepth}-bit and ${mixed.bitDepth}-bit images (${names.get(plan.files[0]!)} and ${names.get(plan.files[files.indexOf(mixed)]!)}).`,
    );
  return {
    kind: 'volume',
    volumeKind: 'VOLUME',
    width: first.width,
    height: first.height,
    depth: files.length,
    bitDepth: first.bitDepth,
    slices: files.map((f) => f.frames[0] as Uint8Array | Uint16Array),
    spacing: plan.spacing ?? [],
    affine: plan.affine ?? [],
    affineSource: plan.affine ? 'dicom' : 'none',
    sliceOrder: plan.sliceOrder === 'instance-number' ? 'instance-number' : 'position',
    values: first.values,
    window: first.window,
    sliceInfo: files.map((f, k) => ({
      position: plan.positions?.[k] ?? null,
      dicom: dicomReference(f, null),
      sourceIndex: plan.files[k] as number,
      sourceName: names.get(plan.files[k]!) ?? '',
      values: f.values,
      window: f.window,
    })),
    series: seriesOf(first),
    ...(plan.note ? { note: plan.note } : {}),
  };
}
