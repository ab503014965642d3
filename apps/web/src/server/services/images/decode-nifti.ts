/**
 * NIfTI-1/2 volumes (.nii or .nii.gz) -> ordered axial slices. Integer and float data are
 * rescaled linearly from the volume's min..max to 16 bits (uint8 data stays 8-bit), so one
 * window/level applies to every slice.
 */
import * as nifti from 'nifti-reader-js';
import { AppError } from '../../errors/app-error';
import { checkDimensions } from './check-dimensions';
import type { DecodedVolume, ImageLimits } from './decoded-image';

const T = nifti.NIFTI1;

function readVoxel(view: DataView, datatype: number, index: number, littleEndian: boolean): number {
  switch (datatype) {
    case T.TYPE_UINT8:
      return view.getUint8(index);
    case T.TYPE_INT8:
      return view.getInt8(index);
    case T.TYPE_INT16:
      return view.getInt16(index * 2, littleEndian);
    case T.TYPE_UINT16:
      return view.getUint16(index * 2, littleEndian);
    case T.TYPE_INT32:
      return view.getInt32(index * 4, littleEndian);
    case T.TYPE_UINT32:
      return view.getUint32(index * 4, littleEndian);
    case T.TYPE_FLOAT32:
      return view.getFloat32(index * 4, littleEndian);
    case T.TYPE_FLOAT64:
      return view.getFloat64(index * 8, littleEndian);
    default:
      throw new AppError(
        'UNSUPPORTED_MEDIA',
        `NIfTI datatype ${datatype} is not supported (integer or float scalars only).`,
      );
  }
}

/** The uncompressed size gzip records in its last 4 bytes (mod 2^32): checked before inflating. */
function gzipDeclaredSize(bytes: Uint8Array): number {
  if (bytes.length < 18) return 0;
  return new DataView(bytes.buffer, bytes.byteOffset + bytes.length - 4, 4).getUint32(0, true);
}

export function decodeNifti(bytes: Uint8Array, limits: ImageLimits): DecodedVolume {
  let buffer: ArrayBuffer = bytes.slice().buffer;
  if (nifti.isCompressed(buffer)) {
    const declared = gzipDeclaredSize(bytes);
    const maxInflated = Math.min(2 ** 31, limits.maxPixels * limits.maxSlices * 2);
    if (declared > maxInflated)
      throw new AppError(
        'TOO_LARGE',
        `Compressed volume inflates to ${declared} bytes; the limit is ${maxInflated}.`,
      );
    try {
      buffer = nifti.decompress(buffer) as ArrayBuffer;
    } catch (error) {
      throw new AppError(
        'BAD_INPUT',
        'This gzip file is damaged or is not a NIfTI volume.',
        undefined,
        { cause: error },
      );
    }
  }
  if (!nifti.isNIFTI(buffer))
    throw new AppError('UNSUPPORTED_MEDIA', 'This gzip file does not contain a NIfTI volume.');
  let header: ReturnType<typeof nifti.readHeader>;
  let image: ArrayBuffer;
  try {
    header = nifti.readHeader(buffer);
    image = nifti.readImage(header, buffer);
  } catch (error) {
    throw new AppError(
      'BAD_INPUT',
      `Could not read this NIfTI volume: ${(error as Error).message}.`,
      undefined,
      { cause: error },
    );
  }
  const [, x = 0, y = 0, z = 1, t = 1] = header.dims;
  const depth = Math.max(1, z);
  if (t > 1)
    throw new AppError(
      'UNSUPPORTED_MEDIA',
      `4-D NIfTI (${t} time points) is not supported; upload one 3-D volume.`,
    );
  checkDimensions(x, y, limits, 'NIfTI slice');
  if (depth > limits.maxSlices)
    throw new AppError(
      'TOO_LARGE',
      `Volume has ${depth} slices; the limit is ${limits.maxSlices}.`,
    );
  const datatype = header.datatypeCode;
  const bytesPerVoxel = header.numBitsPerVoxel / 8;
  const voxels = x * y * depth;
  if (image.byteLength < voxels * bytesPerVoxel)
    throw new AppError(
      'BAD_INPUT',
      `NIfTI image data is truncated (${image.byteLength} bytes for ${x}x${y}x${depth}).`,
    );
  const view = new DataView(image);
  const planeSize = x * y;
  const spacing = header.pixDims.slice(1, 4).map((v) => (Number.isFinite(v) && v > 0 ? v : 1));

  if (datatype === T.TYPE_UINT8) {
    const all = new Uint8Array(image, 0, voxels);
    const slices = Array.from({ length: depth }, (_, k) =>
      all.slice(k * planeSize, (k + 1) * planeSize),
    );
    return { kind: 'volume', width: x, height: y, depth, bitDepth: 8, slices, spacing };
  }
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < voxels; i++) {
    const v = readVoxel(view, datatype, i, header.littleEndian);
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const range = max > min ? max - min : 1;
  const slices: Uint16Array[] = [];
  for (let k = 0; k < depth; k++) {
    const plane = new Uint16Array(planeSize);
    for (let i = 0; i < planeSize; i++) {
      const v = readVoxel(view, datatype, k * planeSize + i, header.littleEndian);
      plane[i] = Number.isFinite(v) ? Math.round(((v - min) / range) * 65535) : 0;
    }
    slices.push(plane);
  }
  return { kind: 'volume', width: x, height: y, depth, bitDepth: 16, slices, spacing };
}
