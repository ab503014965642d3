/**
 * A DICOM series written by dcmjs for tests: one single-frame CT file per slice (explicit VR
 * little endian, signed 16-bit), all of one SeriesInstanceUID, each with its own
 * ImagePositionPatient along the slice normal, so an upload of them is one volume. Optionally a
 * CT rescale (or one per slice, as PET writes) and a VOI window, as scanners write them.
 */
import dcmjs from 'dcmjs';

export interface DicomSeriesGeometry {
  /** ImageOrientationPatient: row direction cosines, then column direction cosines (LPS). */
  orientation: [number, number, number, number, number, number];
  /** PixelSpacing as DICOM orders it: [between rows, between columns] in mm. */
  pixelSpacing: [number, number];
  /** ImagePositionPatient of slice 0 (LPS, mm); slice k lies k * sliceSpacing along the normal. */
  origin: [number, number, number];
  sliceSpacing: number;
}

export interface DicomSeriesFile {
  name: string;
  bytes: Uint8Array;
  /** Slice index along the normal (the order the files do not come in). */
  sliceIndex: number;
  position: [number, number, number];
}

const CT_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.2';
const EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1';

/**
 * `voxels` is x fastest, then y, then slice (the volume's order); `order` is the order of slice
 * indexes the files are returned in (default: as they lie).
 */
export function dicomSeries16(
  width: number,
  height: number,
  depth: number,
  voxels: Int16Array,
  geometry: DicomSeriesGeometry,
  options: {
    seriesDescription?: string;
    order?: number[];
    /** Modality rescale written to every file (real = slope * stored + intercept), default 1, 0. */
    rescale?: { slope: number; intercept: number };
    /** A rescale of its own per slice index (as PET writes one per file); overrides `rescale`. */
    rescalePerSlice?: { slope: number; intercept: number }[];
    /** VOI window (WindowCenter/WindowWidth, real units) written to every file; none by default. */
    window?: { center: number; width: number };
  } = {},
): DicomSeriesFile[] {
  const { uid } = dcmjs.data.DicomMetaDictionary;
  const study = uid();
  const series = uid();
  const frameOfReference = uid();
  const [rx, ry, rz, cx, cy, cz] = geometry.orientation;
  const normal = [ry * cz - rz * cy, rz * cx - rx * cz, rx * cy - ry * cx] as const;
  const plane = width * height;
  const order = options.order ?? Array.from({ length: depth }, (_, k) => k);
  return order.map((k) => {
    const position = geometry.origin.map(
      (o, axis) => o + k * geometry.sliceSpacing * normal[axis]!,
    ) as [number, number, number];
    const instance = uid();
    const pixels = voxels.slice(k * plane, (k + 1) * plane);
    const rescale = options.rescalePerSlice?.[k] ?? options.rescale;
    const dataset = {
      SOPClassUID: CT_IMAGE_STORAGE,
      SOPInstanceUID: instance,
      StudyInstanceUID: study,
      SeriesInstanceUID: series,
      FrameOfReferenceUID: frameOfReference,
      Modality: 'CT',
      SeriesDescription: options.seriesDescription ?? 'phantom series',
      SeriesNumber: 1,
      InstanceNumber: k + 1,
      ImagePositionPatient: position,
      ImageOrientationPatient: [...geometry.orientation],
      PixelSpacing: [...geometry.pixelSpacing],
      SliceThickness: geometry.sliceSpacing,
      Rows: height,
      Columns: width,
      SamplesPerPixel: 1,
      PhotometricInterpretation: 'MONOCHROME2',
      BitsAllocated: 16,
      BitsStored: 16,
      HighBit: 15,
      PixelRepresentation: 1,
      RescaleIntercept: rescale?.intercept ?? 0,
      RescaleSlope: rescale?.slope ?? 1,
      ...(options.window
        ? { WindowCenter: options.window.center, WindowWidth: options.window.width }
        : {}),
      PixelData: [pixels.buffer],
      _vrMap: { PixelData: 'OW' },
    };
    const meta = {
      FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
      MediaStorageSOPClassUID: CT_IMAGE_STORAGE,
      MediaStorageSOPInstanceUID: instance,
      TransferSyntaxUID: EXPLICIT_VR_LITTLE_ENDIAN,
      ImplementationClassUID: '2.25.80302813137786398554742050926734630921',
    };
    const file = new dcmjs.data.DicomDict(dcmjs.data.DicomMetaDictionary.denaturalizeDataset(meta));
    file.dict = dcmjs.data.DicomMetaDictionary.denaturalizeDataset(dataset);
    return {
      name: `slice-${String(k + 1).padStart(3, '0')}.dcm`,
      bytes: new Uint8Array(file.write()),
      sliceIndex: k,
      position,
    };
  });
}
