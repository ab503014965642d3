/**
 * What Loupe needs from a DICOM header before any pixel is decoded: image layout, value mapping
 * (rescale), VOI window, geometry (per frame for enhanced multi-frame objects) and the source
 * identifiers an export must reference. Non-image objects are refused here, by name.
 */
import type dicomParser from 'dicom-parser';
import { AppError } from '../../../errors/app-error';
import { nonImageSopClass, sopClassName } from './sop-classes';

export interface DicomSource {
  studyInstanceUid: string | null;
  seriesInstanceUid: string | null;
  sopInstanceUid: string | null;
  sopClassUid: string | null;
  frameOfReferenceUid: string | null;
  modality: string | null;
  instanceNumber: number | null;
  seriesNumber: number | null;
  seriesDescription: string | null;
}

export interface DicomFrameGeometry {
  /** ImagePositionPatient (mm, LPS) of the frame's first pixel. */
  position: [number, number, number] | null;
}

export interface DicomHeader {
  transferSyntax: string;
  rows: number;
  columns: number;
  frames: number;
  samplesPerPixel: number;
  bitsAllocated: number;
  bitsStored: number;
  signed: boolean;
  planarConfiguration: number;
  photometric: string;
  /** Modality rescale: real = slope * stored + intercept (Hounsfield units for CT). */
  rescale: { slope: number; intercept: number; unit: string | null };
  /** Default VOI window in real units, or null. */
  window: { center: number; width: number } | null;
  /** ImageOrientationPatient (row then column direction cosines, LPS), or null. */
  orientation: number[] | null;
  /** PixelSpacing [row spacing, column spacing] mm, or null. */
  pixelSpacing: [number, number] | null;
  sliceThickness: number | null;
  framesGeometry: DicomFrameGeometry[];
  source: DicomSource;
  /** True when the object is an enhanced/legacy multi-frame one (frames form a sequence). */
  multiFrame: boolean;
}

type DataSet = dicomParser.DataSet;

const clean = (v: string | undefined) => {
  const s = v?.replace(/\0/g, '').trim();
  return s ? s : null;
};

function numbers(ds: DataSet | undefined, tag: string, count: number): number[] | null {
  if (!ds?.elements[tag]) return null;
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const v = ds.floatString(tag, i);
    if (v === undefined || !Number.isFinite(v)) return null;
    out.push(v);
  }
  return out;
}

function item(ds: DataSet | undefined, tag: string, index = 0): DataSet | undefined {
  return ds?.elements[tag]?.items?.[index]?.dataSet;
}

/** Enhanced objects keep per-frame values in functional groups (per-frame, then shared). */
function functionalGroup(ds: DataSet, frame: number, sequenceTag: string): DataSet | undefined {
  return (
    item(item(ds, 'x52009230', frame), sequenceTag) ?? item(item(ds, 'x52009229'), sequenceTag)
  );
}

export function readDicomHeader(ds: DataSet, transferSyntax: string): DicomHeader {
  const sopClassUid = clean(ds.string('x00080016')) ?? clean(ds.string('x00020002'));
  const nonImage = nonImageSopClass(sopClassUid ?? undefined);
  if (nonImage)
    throw new AppError(
      'UNSUPPORTED_MEDIA',
      `This DICOM object is a ${nonImage}, not an image; only images can be labelled.`,
      { sopClassUid },
    );
  const pixelData =
    ds.elements['x7fe00010'] ?? ds.elements['x7fe00008'] ?? ds.elements['x7fe00009'];
  const rows = ds.uint16('x00280010') ?? 0;
  const columns = ds.uint16('x00280011') ?? 0;
  if (!pixelData || !rows || !columns)
    throw new AppError(
      'UNSUPPORTED_MEDIA',
      `This DICOM object (${sopClassName(sopClassUid ?? undefined)}) has no pixel data${rows && columns ? '' : ' or no image size'}; only images can be labelled.`,
      { sopClassUid },
    );
  if (ds.elements['x7fe00008'] || ds.elements['x7fe00009'])
    throw new AppError(
      'UNSUPPORTED_MEDIA',
      'Float or double-float pixel data (parametric maps) is not supported.',
    );
  const frames = Math.max(1, ds.intString('x00280008') ?? 1);
  const samplesPerPixel = ds.uint16('x00280002') ?? 1;
  const bitsAllocated = ds.uint16('x00280100') ?? 0;
  const bitsStored = ds.uint16('x00280101') ?? bitsAllocated;
  const photometric =
    clean(ds.string('x00280004')) ?? (samplesPerPixel === 3 ? 'RGB' : 'MONOCHROME2');
  const modality = clean(ds.string('x00080060'));

  // Rescale: top level, else the enhanced Pixel Value Transformation functional group (frame 1).
  const transform = functionalGroup(ds, 0, 'x00289145');
  const slope = ds.floatString('x00281053') ?? transform?.floatString('x00281053') ?? 1;
  const intercept = ds.floatString('x00281052') ?? transform?.floatString('x00281052') ?? 0;
  const rescaleType = clean(ds.string('x00281054')) ?? clean(transform?.string('x00281054'));
  const hasRescale =
    ds.elements['x00281053'] !== undefined || transform?.elements['x00281053'] !== undefined;
  const unit =
    rescaleType && rescaleType !== 'US'
      ? rescaleType
      : modality === 'CT' && hasRescale
        ? 'HU'
        : null;

  const voi = functionalGroup(ds, 0, 'x00289132');
  const center = ds.floatString('x00281050') ?? voi?.floatString('x00281050');
  const width = ds.floatString('x00281051') ?? voi?.floatString('x00281051');

  const orientation =
    numbers(ds, 'x00200037', 6) ?? numbers(functionalGroup(ds, 0, 'x00209116'), 'x00200037', 6);
  const measures = functionalGroup(ds, 0, 'x00289110');
  const spacing = numbers(ds, 'x00280030', 2) ?? numbers(measures, 'x00280030', 2);
  const thickness = ds.floatString('x00180050') ?? measures?.floatString('x00180050') ?? null;

  const framesGeometry: DicomFrameGeometry[] = [];
  for (let f = 0; f < frames; f++) {
    const position =
      (numbers(
        functionalGroup(ds, f, 'x00209113'),
        'x00200032',
        3,
      ) as DicomFrameGeometry['position']) ??
      (f === 0 ? (numbers(ds, 'x00200032', 3) as DicomFrameGeometry['position']) : null);
    framesGeometry.push({ position });
  }

  return {
    transferSyntax,
    rows,
    columns,
    frames,
    samplesPerPixel,
    bitsAllocated,
    bitsStored,
    signed: (ds.uint16('x00280103') ?? 0) === 1,
    planarConfiguration: ds.uint16('x00280006') ?? 0,
    photometric,
    rescale: { slope: slope === 0 ? 1 : slope, intercept, unit },
    window:
      center !== undefined && width !== undefined && Number.isFinite(center) && width > 0
        ? { center, width }
        : null,
    orientation,
    pixelSpacing: spacing && spacing[0]! > 0 && spacing[1]! > 0 ? [spacing[0]!, spacing[1]!] : null,
    sliceThickness: thickness !== null && Number.isFinite(thickness) ? thickness : null,
    framesGeometry,
    multiFrame: frames > 1,
    source: {
      studyInstanceUid: clean(ds.string('x0020000d')),
      seriesInstanceUid: clean(ds.string('x0020000e')),
      sopInstanceUid: clean(ds.string('x00080018')) ?? clean(ds.string('x00020003')),
      sopClassUid,
      frameOfReferenceUid: clean(ds.string('x00200052')),
      modality,
      instanceNumber: ds.intString('x00200013') ?? null,
      seriesNumber: ds.intString('x00200011') ?? null,
      seriesDescription: clean(ds.string('x0008103e')),
    },
  };
}
