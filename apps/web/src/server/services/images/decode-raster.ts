/** PNG, JPEG and (8/16-bit) TIFF via sharp/libvips, converted to one luminance channel. */
import type { Metadata } from 'sharp';
import sharp from './configured-sharp';
import { AppError } from '../../errors/app-error';
import { checkDimensions } from './check-dimensions';
import type { DecodedImage, ImageLimits } from './decoded-image';

const LABEL = { 'image/png': 'PNG', 'image/jpeg': 'JPEG', 'image/tiff': 'TIFF' } as const;

/** PNG's IHDR size, read before decoding so a decompression bomb is refused without inflating it. */
function pngHeaderSize(bytes: Uint8Array): { width: number; height: number } | null {
  if (bytes.length < 24 || String.fromCharCode(...bytes.subarray(12, 16)) !== 'IHDR') return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

export async function decodeRaster(
  bytes: Uint8Array,
  type: keyof typeof LABEL,
  limits: ImageLimits,
): Promise<DecodedImage> {
  const label = LABEL[type];
  const declared = type === 'image/png' ? pngHeaderSize(bytes) : null;
  if (declared) checkDimensions(declared.width, declared.height, limits);
  let meta: Metadata;
  try {
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (error) {
    throw new AppError(
      'BAD_INPUT',
      `Could not read this ${label} file: ${(error as Error).message}.`,
      undefined,
      { cause: error },
    );
  }
  if (meta.format !== { PNG: 'png', JPEG: 'jpeg', TIFF: 'tiff' }[label])
    throw new AppError(
      'UNSUPPORTED_MEDIA',
      `File looks like ${label} but decodes as ${meta.format ?? 'unknown'}.`,
    );
  const width = meta.width ?? 0;
  const height = meta.height ?? 0;
  checkDimensions(width, height, limits);
  if ((meta.pages ?? 1) > 1)
    throw new AppError(
      'UNSUPPORTED_MEDIA',
      `This ${label} has ${meta.pages} pages; upload each page as its own file.`,
    );
  const sixteenBit = meta.depth === 'ushort' || meta.depth === 'short';
  try {
    const { data, info } = await sharp(bytes, {
      limitInputPixels: limits.maxPixels,
      failOn: 'error',
    })
      .removeAlpha()
      .toColourspace(sixteenBit ? 'grey16' : 'b-w')
      .raw({ depth: sixteenBit ? 'ushort' : 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 1 || info.width !== width || info.height !== height)
      throw new Error(`unexpected decoded layout ${info.width}x${info.height}x${info.channels}`);
    const pixels = sixteenBit
      ? new Uint16Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength))
      : new Uint8Array(data);
    return {
      kind: 'image',
      width,
      height,
      channels: meta.channels ?? 1,
      bitDepth: sixteenBit ? 16 : 8,
      pixels,
    };
  } catch (error) {
    throw new AppError(
      'BAD_INPUT',
      `This ${label} file is damaged or truncated: ${(error as Error).message}.`,
      undefined,
      {
        cause: error,
      },
    );
  }
}
