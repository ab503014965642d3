/**
 * Decodes an image's stored pixels (Image.pixelsKey: PNG, 8- or 16-bit, grey or colour) into
 * one luminance plane in 0..1, which is what the model's preprocessing starts from.
 */
import { toLuminance } from '@loupe/model';
import sharp, { type OutputInfo } from 'sharp';
import { TrainerError } from '../errors';

export interface GrayImage {
  width: number;
  height: number;
  /** Row-major luminance, 0..1. */
  pixels: Float32Array;
}

export async function decodeImagePixels(
  bytes: Uint8Array,
  expected: { width: number; height: number; label: string },
): Promise<GrayImage> {
  let raw: { data: Buffer; info: OutputInfo };
  let sixteenBit: boolean;
  try {
    const image = sharp(bytes, { failOn: 'error' });
    const meta = await image.metadata();
    sixteenBit = meta.depth === 'ushort';
    const grey = (meta.channels ?? 1) <= 2;
    // A grey image is read as is (greyscale() would run a colour transform that shifts values);
    // colour images are converted to luminance.
    const flattened = image.flatten({ background: '#000000' });
    raw = await (grey ? flattened : flattened.greyscale())
      .toColourspace(sixteenBit ? 'grey16' : 'b-w')
      .raw({ depth: sixteenBit ? 'ushort' : 'uchar' })
      .toBuffer({ resolveWithObject: true });
  } catch (error) {
    throw new TrainerError(
      'CORRUPT_IMAGE',
      `${expected.label}: pixels could not be decoded (${(error as Error).message})`,
      { cause: error },
    );
  }
  const { width, height, channels } = raw.info;
  if (width !== expected.width || height !== expected.height) {
    throw new TrainerError(
      'CORRUPT_IMAGE',
      `${expected.label}: decoded ${width}x${height}, the database says ${expected.width}x${expected.height}`,
    );
  }
  // One plane of samples; the scaling to 0..1 is the model's own (libs/model toLuminance).
  const samples = sixteenBit
    ? new Uint16Array(raw.data.buffer, raw.data.byteOffset, raw.data.byteLength / 2)
    : new Uint8Array(raw.data.buffer, raw.data.byteOffset, raw.data.byteLength);
  const pixels = toLuminance(samples, width, height, channels as 1 | 2 | 3 | 4);
  return { width, height, pixels };
}
