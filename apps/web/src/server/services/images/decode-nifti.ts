/**
 * NIfTI-1/2 volumes (.nii or .nii.gz) -> ordered slices with the source geometry and intensity
 * kept: the affine (sform, else qform, else pixdim, as nibabel chooses), the header fields the
 * label export reproduces, and real units (scl_slope/scl_inter) as a value mapping. Integer data
 * whose range fits 16 bits is stored exactly (offset by its minimum); wider and float data are
 * quantized linearly to 16 bits (the mapping records the step). A 4-D file becomes one volume per
 * time point or one sequence of frames, as the uploader chose. CIFTI and other non-image NIfTI
 * (vector, matrix, point-set intents) are refused saying why.
 */
import * as nifti from 'nifti-reader-js';
import { AppError } from '../../errors/app-error';
import { checkDimensions } from './check-dimensions';
import { checkNiftiHeader, maxVolumeBytes, NIFTI_HEAD_BYTES } from './check-nifti-header';
import type { DecodedVolume, ImageLimits } from './decoded-image';
import { inflateCapped } from './inflate-capped';
import { readNiftiGeometry } from './read-nifti-geometry';

/** Room for the header and its extensions (vox_offset) on top of the voxel bytes. */
const MAX_HEADER_AND_EXTENSIONS = 16 * 1024 * 1024;

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

export type FourDMode = 'series' | 'sequence';

/** Intent codes of NIfTI files that are not images (nifti1.h; CIFTI-2 uses 3000-3099). */
const NON_IMAGE_INTENTS: Record<number, string> = {
  1005: 'a symmetric matrix',
  1006: 'a displacement vector field',
  1007: 'a vector field',
  1008: 'a point set',
  1009: 'a triangle mesh',
  1010: 'quaternions',
  2003: 'an RGB vector image',
  2004: 'an RGBA vector image',
  2005: 'a shape',
};

function refuseNonImage(intent: number, dims: number[], extensionCodes: number[]): void {
  if ((intent >= 3000 && intent <= 3099) || extensionCodes.includes(32))
    throw new AppError(
      'UNSUPPORTED_MEDIA',
      `This is a CIFTI-2 file (NIfTI intent ${intent}): a matrix over brain surface vertices and voxels, not an image volume.`,
    );
  const what = NON_IMAGE_INTENTS[intent];
  if (what)
    throw new AppError(
      'UNSUPPORTED_MEDIA',
      `This NIfTI file holds ${what} (intent ${intent}), not an image volume.`,
    );
  if ((dims[5] ?? 1) > 1 || (dims[0] ?? 0) > 4)
    throw new AppError(
      'UNSUPPORTED_MEDIA',
      `This NIfTI file has ${dims[0]} dimensions (${dims.slice(1, (dims[0] ?? 0) + 1).join('x')}); only 2-D, 3-D and 4-D scalar images are read.`,
    );
}

/**
 * A .nii.gz is inflated off the request thread, its header checked on the first inflated bytes
 * (too large -> refused before the rest is inflated), and never past the bytes the header needs.
 */
export async function decodeNifti(
  bytes: Uint8Array,
  limits: ImageLimits,
  options: { fourD?: FourDMode } = {},
): Promise<DecodedVolume[]> {
  let buffer: ArrayBuffer;
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    const inflated = await inflateCapped(bytes, {
      format: 'gzip',
      cap: maxVolumeBytes(limits) + MAX_HEADER_AND_EXTENSIONS,
      what: 'This gzip file',
      headBytes: NIFTI_HEAD_BYTES,
      inspect: (head) => checkNiftiHeader(head, limits),
    });
    // Whole-buffer views below need the bytes at offset 0 of their own buffer.
    buffer =
      inflated.bytes.byteOffset === 0 &&
      inflated.bytes.byteLength === inflated.bytes.buffer.byteLength
        ? (inflated.bytes.buffer as ArrayBuffer)
        : inflated.bytes.slice().buffer;
  } else {
    checkNiftiHeader(bytes.subarray(0, NIFTI_HEAD_BYTES), limits);
    // Read in place when the bytes are their own buffer (the decode worker's are): no second copy.
    buffer =
      bytes.byteOffset === 0 &&
      bytes.byteLength === bytes.buffer.byteLength &&
      bytes.buffer instanceof ArrayBuffer
        ? bytes.buffer
        : bytes.slice().buffer;
  }
  if (!nifti.isNIFTI(buffer))
    throw new AppError('UNSUPPORTED_MEDIA', 'This gzip file does not contain a NIfTI volume.');
  let header: ReturnType<typeof nifti.readHeader>;
  let image: DataView;
  try {
    header = nifti.readHeader(buffer);
    // A view, not nifti.readImage's copy: the voxel data is read once, in place.
    const start = Math.floor(header.vox_offset);
    image = new DataView(buffer, start, Math.max(0, buffer.byteLength - start));
  } catch (error) {
    throw new AppError(
      'BAD_INPUT',
      `Could not read this NIfTI volume: ${(error as Error).message}.`,
      undefined,
      { cause: error },
    );
  }
  const dims = header.dims;
  const x = dims[1] ?? 0;
  const y = Math.max(1, dims[2] ?? 1);
  const z = (dims[0] ?? 0) >= 3 ? Math.max(1, dims[3] ?? 1) : 1;
  const t = (dims[0] ?? 0) >= 4 ? Math.max(1, dims[4] ?? 1) : 1;
  refuseNonImage(
    header.intent_code,
    dims,
    (header.extensions ?? []).map((e) => e.ecode),
  );
  checkDimensions(x, y, limits, 'NIfTI slice');
  const mode: FourDMode = options.fourD ?? 'series';
  if (t > 1 && mode === 'sequence' && z > 1)
    throw new AppError(
      'BAD_INPUT',
      `This 4-D NIfTI has ${z} slices at each of ${t} time points; "frames as a sequence" needs one slice per time point. Choose "one volume per time point".`,
    );
  if (z * t > limits.maxSlices)
    throw new AppError(
      'TOO_LARGE',
      `Volume has ${z * t} slices (${z} x ${t} time points); the limit is ${limits.maxSlices}.`,
    );
  const datatype = header.datatypeCode;
  if (
    ![
      T.TYPE_UINT8,
      T.TYPE_INT8,
      T.TYPE_INT16,
      T.TYPE_UINT16,
      T.TYPE_INT32,
      T.TYPE_UINT32,
      T.TYPE_FLOAT32,
      T.TYPE_FLOAT64,
    ].includes(datatype)
  )
    throw new AppError(
      'UNSUPPORTED_MEDIA',
      `NIfTI datatype ${datatype} is not supported (integer or float scalars only; RGB and complex data are not images Loupe reads).`,
    );
  const bytesPerVoxel = header.numBitsPerVoxel / 8;
  const planeSize = x * y;
  const voxels = planeSize * z * t;
  if (image.byteLength < voxels * bytesPerVoxel)
    throw new AppError(
      'BAD_INPUT',
      `NIfTI image data is truncated (${image.byteLength} bytes for ${x}x${y}x${z}${t > 1 ? `x${t}` : ''}).`,
    );
  const view = image;
  const geometry = readNiftiGeometry(buffer, header);
  // scl_slope 0 means "no scaling" (nifti1.h).
  const sclSlope =
    Number.isFinite(header.scl_slope) && header.scl_slope !== 0 ? header.scl_slope : 1;
  const sclInter = Number.isFinite(header.scl_inter) ? header.scl_inter : 0;

  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < voxels; i++) {
    const v = readVoxel(view, datatype, i, header.littleEndian);
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (!Number.isFinite(min)) min = max = 0;
  const integer = datatype !== T.TYPE_FLOAT32 && datatype !== T.TYPE_FLOAT64;
  const eight = datatype === T.TYPE_UINT8;
  // sample = (raw - offset) / step, exact (step 1) for integers whose range fits 16 bits.
  const offset = eight ? 0 : min;
  const range = max - min;
  const step = eight || (integer && range <= 65535) ? 1 : range > 0 ? range / 65535 : 1;
  const bitDepth: 8 | 16 = eight ? 8 : 16;
  const values = { slope: sclSlope * step, intercept: sclSlope * offset + sclInter, unit: null };
  const plane = (index: number) => {
    const out = bitDepth === 8 ? new Uint8Array(planeSize) : new Uint16Array(planeSize);
    const base = index * planeSize;
    for (let i = 0; i < planeSize; i++) {
      const v = readVoxel(view, datatype, base + i, header.littleEndian);
      out[i] = Number.isFinite(v) ? Math.round((v - offset) / step) : 0;
    }
    return out;
  };
  const base = {
    kind: 'volume' as const,
    width: x,
    height: y,
    bitDepth,
    spacing: geometry.spacing,
    values,
    window: null,
    niftiHeader: geometry.header,
  };
  if (t > 1 && mode === 'sequence')
    return [
      {
        ...base,
        volumeKind: 'SEQUENCE',
        depth: t,
        slices: Array.from({ length: t }, (_, k) => plane(k)),
        affine: geometry.affine,
        affineSource: geometry.affineSource,
        sliceOrder: 'frame',
      },
    ];
  return Array.from({ length: t }, (_, time) => ({
    ...base,
    volumeKind: 'VOLUME' as const,
    depth: z,
    slices: Array.from({ length: z }, (_, k) => plane(time * z + k)),
    affine: geometry.affine,
    affineSource: geometry.affineSource,
    sliceOrder: 'nifti' as const,
    ...(t > 1 ? { timeIndex: time } : {}),
  }));
}
