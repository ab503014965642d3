/**
 * The first bytes of a NIfTI-1/2 file -> refused when its declared size is over the limits, else
 * the bytes the file needs (vox_offset + voxel data). Runs on the first inflated bytes of a
 * .nii.gz, so a volume declared too large is refused before the rest is inflated.
 */
import { AppError } from '../../errors/app-error';
import { checkDimensions } from './check-dimensions';
import type { ImageLimits } from './decoded-image';

/** NIfTI-2's 540-byte header plus the 4-byte extension flag; NIfTI-1 needs 352. */
export const NIFTI_HEAD_BYTES = 544;

/** The voxel bytes one volume may declare when LOUPE_VOLUME_MAX_BYTES is not given. */
export function maxVolumeBytes(limits: ImageLimits): number {
  return limits.maxVolumeBytes ?? Math.min(2 ** 31, limits.maxPixels * limits.maxSlices * 2);
}

export function checkNiftiHeader(head: Uint8Array, limits: ImageLimits): number {
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const sizeLe = head.length >= 4 ? view.getInt32(0, true) : 0;
  const sizeBe = head.length >= 4 ? view.getInt32(0, false) : 0;
  const version = sizeLe === 348 || sizeBe === 348 ? 1 : sizeLe === 540 || sizeBe === 540 ? 2 : 0;
  const headerSize = version === 1 ? 348 : 540;
  if (version === 0 || head.length < headerSize)
    throw new AppError('UNSUPPORTED_MEDIA', 'This file does not contain a NIfTI volume.');
  const le = sizeLe === headerSize;
  const dims: number[] = [];
  let bitpix: number;
  let voxOffset: number;
  if (version === 1) {
    for (let i = 0; i < 8; i++) dims.push(view.getInt16(40 + i * 2, le));
    bitpix = view.getInt16(72, le);
    voxOffset = view.getFloat32(108, le);
  } else {
    for (let i = 0; i < 8; i++) dims.push(Number(view.getBigInt64(16 + i * 8, le)));
    bitpix = view.getInt16(14, le);
    voxOffset = Number(view.getBigInt64(168, le));
  }
  const rank = dims[0] ?? 0;
  const x = dims[1] ?? 0;
  const y = Math.max(1, dims[2] ?? 1);
  const z = rank >= 3 ? Math.max(1, dims[3] ?? 1) : 1;
  const t = rank >= 4 ? Math.max(1, dims[4] ?? 1) : 1;
  const declared = [x, y, z, t].slice(0, Math.max(2, Math.min(rank, 4))).join('x');
  checkDimensions(x, y, limits, `NIfTI slice (header declares ${declared})`);
  if (z * t > limits.maxSlices)
    throw new AppError(
      'TOO_LARGE',
      `NIfTI header declares ${declared} voxels: ${z * t} slices; the limit is ${limits.maxSlices}. Refused before reading the voxel data.`,
    );
  if (!Number.isInteger(bitpix) || bitpix <= 0 || bitpix % 8 !== 0)
    throw new AppError('BAD_INPUT', `NIfTI header has an invalid bitpix ${bitpix}.`);
  const voxelBytes = x * y * z * t * (bitpix / 8);
  const limit = maxVolumeBytes(limits);
  if (voxelBytes > limit)
    throw new AppError(
      'TOO_LARGE',
      `NIfTI header declares ${declared} voxels of ${bitpix} bits (${voxelBytes} bytes); the limit is ${limit} bytes per volume. Refused before reading the voxel data.`,
    );
  const start = Math.max(headerSize + 4, Number.isFinite(voxOffset) ? Math.floor(voxOffset) : 0);
  return start + voxelBytes;
}
