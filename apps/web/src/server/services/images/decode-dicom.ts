/** Single-frame, uncompressed, monochrome DICOM (8- or 16-bit stored values). */
import dicomParser from 'dicom-parser';
import { AppError } from '../../errors/app-error';
import { checkDimensions } from './check-dimensions';
import type { DecodedImage, ImageLimits } from './decoded-image';

const UNCOMPRESSED_LITTLE_ENDIAN = new Set(['1.2.840.10008.1.2', '1.2.840.10008.1.2.1']);

export function decodeDicom(bytes: Uint8Array, limits: ImageLimits): DecodedImage {
  let dataSet: dicomParser.DataSet;
  try {
    dataSet = dicomParser.parseDicom(bytes);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new AppError('BAD_INPUT', `Not a readable DICOM file: ${reason}.`, undefined, {
      cause: error,
    });
  }
  const transferSyntax =
    dataSet.string('x00020010')?.replace(/\0/g, '').trim() ?? '1.2.840.10008.1.2';
  if (!UNCOMPRESSED_LITTLE_ENDIAN.has(transferSyntax))
    throw new AppError(
      'UNSUPPORTED_MEDIA',
      `DICOM transfer syntax ${transferSyntax} (compressed or big-endian) is not supported; export uncompressed.`,
    );
  const frames = Number.parseInt(dataSet.string('x00280008') ?? '1', 10) || 1;
  if (frames > 1)
    throw new AppError(
      'UNSUPPORTED_MEDIA',
      `Multi-frame DICOM (${frames} frames) is not supported; upload single frames.`,
    );
  const samplesPerPixel = dataSet.uint16('x00280002') ?? 1;
  if (samplesPerPixel !== 1)
    throw new AppError(
      'UNSUPPORTED_MEDIA',
      `Colour DICOM (${samplesPerPixel} samples per pixel) is not supported.`,
    );
  const height = dataSet.uint16('x00280010') ?? 0;
  const width = dataSet.uint16('x00280011') ?? 0;
  checkDimensions(width, height, limits, 'DICOM image');
  const bitsAllocated = dataSet.uint16('x00280100');
  if (bitsAllocated !== 8 && bitsAllocated !== 16)
    throw new AppError(
      'UNSUPPORTED_MEDIA',
      `DICOM with ${bitsAllocated ?? 'no'} bits allocated is not supported (8 or 16).`,
    );
  const signed = (dataSet.uint16('x00280103') ?? 0) === 1;
  const invert = dataSet.string('x00280004')?.trim() === 'MONOCHROME1';
  const element = dataSet.elements['x7fe00010'];
  if (!element) throw new AppError('BAD_INPUT', 'DICOM file has no pixel data.');
  const count = width * height;
  const bytesPerPixel = bitsAllocated / 8;
  if (
    element.length < count * bytesPerPixel ||
    element.dataOffset + count * bytesPerPixel > bytes.length
  )
    throw new AppError(
      'BAD_INPUT',
      `DICOM pixel data is truncated (${element.length} bytes for ${width}x${height}).`,
    );

  if (bitsAllocated === 8) {
    const pixels = bytes.slice(element.dataOffset, element.dataOffset + count);
    if (signed) for (let i = 0; i < count; i++) pixels[i] = ((pixels[i] as number) ^ 0x80) & 0xff;
    if (invert) for (let i = 0; i < count; i++) pixels[i] = 255 - (pixels[i] as number);
    return { kind: 'image', width, height, channels: 1, bitDepth: 8, pixels };
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset + element.dataOffset, count * 2);
  const pixels = new Uint16Array(count);
  // Signed stored values are shifted by 32768 so the order of values is kept in 0..65535.
  for (let i = 0; i < count; i++)
    pixels[i] = signed ? view.getInt16(i * 2, true) + 32768 : view.getUint16(i * 2, true);
  if (invert) for (let i = 0; i < count; i++) pixels[i] = 65535 - (pixels[i] as number);
  return { kind: 'image', width, height, channels: 1, bitDepth: 16, pixels };
}
