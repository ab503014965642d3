/**
 * A NIfTI header's geometry as nibabel reads it: the sform when sform_code > 0, else the qform
 * when qform_code > 0, else pixdim scaling; plus the header fields a label export must carry over
 * (for NIfTI-1 the whole 348-byte header, so codes, quaternion, srow, units and description come
 * back byte for byte).
 */
import type * as nifti from 'nifti-reader-js';
import type { DecodedVolume } from './decoded-image';

export interface NiftiGeometry {
  affine: number[];
  affineSource: NonNullable<DecodedVolume['affineSource']>;
  spacing: number[];
  header: Record<string, unknown>;
}

type Header = ReturnType<typeof nifti.readHeader>;

export function readNiftiGeometry(buffer: ArrayBuffer, header: Header): NiftiGeometry {
  const spacing = header.pixDims.slice(1, 4).map((v) => (Number.isFinite(v) && v > 0 ? v : 1));
  const version = new DataView(buffer).getInt32(0, header.littleEndian) === 540 ? 2 : 1;
  let affine = header.affine.flat();
  let affineSource: NiftiGeometry['affineSource'] =
    header.qform_code > 0 && header.sform_code < header.qform_code
      ? 'nifti-qform'
      : header.sform_code > 0
        ? 'nifti-sform'
        : 'nifti-pixdim';
  let srow: number[] | null = null;
  if (version === 1) {
    const view = new DataView(buffer, 0, 348);
    srow = Array.from({ length: 12 }, (_, i) => view.getFloat32(280 + i * 4, header.littleEndian));
    // nibabel prefers the sform whenever sform_code > 0; nifti-reader-js prefers a higher qform code.
    if (header.sform_code > 0) {
      affine = [...srow, 0, 0, 0, 1];
      affineSource = 'nifti-sform';
    }
  }
  const raw = version === 1 ? Buffer.from(new Uint8Array(buffer, 0, 348)).toString('base64') : null;
  return {
    affine,
    affineSource,
    spacing,
    header: {
      version,
      littleEndian: header.littleEndian,
      dims: header.dims,
      pixDims: header.pixDims,
      qformCode: header.qform_code,
      sformCode: header.sform_code,
      quatern: [header.quatern_b, header.quatern_c, header.quatern_d],
      qoffset: [header.qoffset_x, header.qoffset_y, header.qoffset_z],
      srow,
      xyztUnits: header.xyzt_units,
      intentCode: header.intent_code,
      sclSlope: header.scl_slope,
      sclInter: header.scl_inter,
      description: header.description,
      ...(raw ? { raw348: raw } : {}),
    },
  };
}
