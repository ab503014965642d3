/** What every decoder produces: single-channel (luminance) pixels, 8- or 16-bit. */
export interface DecodedPlane {
  width: number;
  height: number;
  bitDepth: 8 | 16;
  /** Row-major, width * height values. */
  pixels: Uint8Array | Uint16Array;
}

/** Stored samples -> real units: value = slope * sample + intercept. */
export interface ValueMapping {
  slope: number;
  intercept: number;
  /** "HU" for CT, the DICOM Rescale Type, or null (arbitrary units). */
  unit: string | null;
}

export interface WindowLevel {
  center: number;
  width: number;
}

/** Where a DICOM-sourced image or slice came from; exports reference these. */
export interface DicomReference {
  studyInstanceUid: string | null;
  seriesInstanceUid: string | null;
  sopInstanceUid: string | null;
  sopClassUid: string | null;
  frameOfReferenceUid: string | null;
  /** 1-based frame of a multi-frame instance, null for single-frame ones. */
  frameNumber: number | null;
}

export interface DecodedImage extends DecodedPlane {
  kind: 'image';
  /** Channels in the original file (the stored pixels are luminance). */
  channels: number;
  values?: ValueMapping;
  /** Default window in real units. */
  window?: WindowLevel | null;
  dicom?: DicomReference;
}

export interface DecodedSliceInfo {
  /** DICOM ImagePositionPatient (LPS mm), when known. */
  position?: number[] | null;
  dicom?: DicomReference;
  /** The source file of this slice (DICOM series: one file per slice) and its name. */
  sourceIndex?: number;
  sourceName?: string;
  /** Per-slice mapping and window where slices differ (DICOM series: each file has its own). */
  values?: ValueMapping;
  window?: WindowLevel | null;
}

export interface DecodedVolume {
  kind: 'volume';
  /** VOLUME: slices in space; SEQUENCE: frames in time (cine, angiogram, 4-D time course). */
  volumeKind: 'VOLUME' | 'SEQUENCE';
  width: number;
  height: number;
  depth: number;
  bitDepth: 8 | 16;
  /** One plane per slice, in slice order. */
  slices: (Uint8Array | Uint16Array)[];
  /** Voxel spacing in mm [x, y, z] (empty when unknown). */
  spacing: number[];
  /** Row-major 4x4, voxel (i, j, k) -> RAS+ mm; empty when unknown. */
  affine?: number[];
  affineSource?: 'nifti-sform' | 'nifti-qform' | 'nifti-pixdim' | 'dicom' | 'none';
  sliceOrder?: 'nifti' | 'position' | 'instance-number' | 'frame';
  values?: ValueMapping;
  window?: WindowLevel | null;
  sliceInfo?: DecodedSliceInfo[];
  /** NIfTI header fields the label export reproduces. */
  niftiHeader?: Record<string, unknown>;
  timeIndex?: number;
  series?: {
    studyInstanceUid: string | null;
    seriesInstanceUid: string | null;
    frameOfReferenceUid: string | null;
    modality: string | null;
  };
  /** Shown with the upload result, e.g. why a series was split. */
  note?: string;
}

export interface ImageLimits {
  maxBytes: number;
  maxSide: number;
  maxPixels: number;
  maxSlices: number;
  /** Voxel bytes one NIfTI volume may declare (and so inflate to); see maxVolumeBytes. */
  maxVolumeBytes?: number;
}
