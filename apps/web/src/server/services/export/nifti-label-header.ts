/**
 * The 352-byte NIfTI-1 header of a label volume. A NIfTI-1 source's own header is the template
 * (qform/sform codes and parameters, pixdim, units and description kept byte for byte); otherwise
 * (DICOM, NIfTI-2 or big-endian sources) the header is built from the volume's RAS affine with
 * sform = qform = that affine (code 1, scanner anatomical).
 */
import { affineToQuatern } from '../images/volume-affine';

export const NIFTI_INTENT_LABEL = 1002;
const DT_UINT8 = 2;
const DT_UINT16 = 512;

export interface LabelHeaderInput {
  width: number;
  height: number;
  depth: number;
  spacing: number[];
  affine: number[];
  niftiHeader: Record<string, unknown> | null;
  /** Highest label value (sets datatype and cal_max). */
  maxValue: number;
  description: string;
}

export function niftiLabelHeader(input: LabelHeaderInput): Uint8Array {
  const header = new Uint8Array(352);
  const view = new DataView(header.buffer);
  const raw =
    typeof input.niftiHeader?.['raw348'] === 'string'
      ? (input.niftiHeader['raw348'] as string)
      : null;
  const littleEndianSource = input.niftiHeader?.['littleEndian'] !== false;
  const sixteen = input.maxValue > 255;
  if (raw && littleEndianSource) {
    header.set(Buffer.from(raw, 'base64').subarray(0, 348));
  } else {
    view.setInt32(0, 348, true);
    const affine = input.affine.length === 16 ? input.affine : diagonal(input.spacing);
    const q = affineToQuatern(affine);
    [q.qfac, q.dx, q.dy, q.dz].forEach((d, i) => view.setFloat32(76 + i * 4, d, true));
    view.setInt16(252, 1, true); // qform_code: scanner anatomical
    view.setInt16(254, 1, true); // sform_code
    [q.b, q.c, q.d, q.qx, q.qy, q.qz].forEach((v, i) => view.setFloat32(256 + i * 4, v, true));
    for (let i = 0; i < 12; i++) view.setFloat32(280 + i * 4, affine[i] as number, true);
    header[123] = 2 | 8; // xyzt_units: mm, s
  }
  // The label volume's own layout: 3-D, one value per voxel, no intensity scaling.
  [3, input.width, input.height, input.depth, 1, 1, 1, 1].forEach((d, i) =>
    view.setInt16(40 + i * 2, d, true),
  );
  view.setInt16(68, NIFTI_INTENT_LABEL, true);
  view.setInt16(70, sixteen ? DT_UINT16 : DT_UINT8, true);
  view.setInt16(72, sixteen ? 16 : 8, true);
  view.setFloat32(108, 352, true); // vox_offset
  view.setFloat32(112, 1, true); // scl_slope
  view.setFloat32(116, 0, true); // scl_inter
  view.setFloat32(124, input.maxValue, true); // cal_max
  view.setFloat32(128, 0, true); // cal_min
  const intentName = new TextEncoder().encode('labels');
  header.fill(0, 328, 344);
  header.set(intentName, 328);
  if (!raw || !littleEndianSource) {
    const descrip = new TextEncoder().encode(input.description.slice(0, 79));
    header.fill(0, 148, 228);
    header.set(descrip, 148);
  }
  header.set([0x6e, 0x2b, 0x31, 0x00], 344); // "n+1\0"
  header.fill(0, 348, 352); // no extensions
  return header;
}

function diagonal(spacing: number[]): number[] {
  const [x = 1, y = 1, z = 1] = spacing;
  return [x, 0, 0, 0, 0, y, 0, 0, 0, 0, z, 0, 0, 0, 0, 1];
}
