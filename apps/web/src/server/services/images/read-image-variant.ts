/**
 * Bytes of one stored image for the viewer: the JPEG thumbnail, the pixels PNG, or "raw":
 * little-endian 8/16-bit luminance samples (browsers cannot read 16-bit PNG samples, and the
 * viewer's window/level and the model need them).
 */
import sharp from './configured-sharp';
import type { Db } from '@loupe/db';
import type { BlobStore } from '../../blobs';
import { AppError } from '../../errors/app-error';

export const IMAGE_VARIANTS = ['thumbnail', 'pixels', 'raw'] as const;
export type ImageVariant = (typeof IMAGE_VARIANTS)[number];

export interface ImageVariantBytes {
  bytes: Uint8Array;
  contentType: string;
  width: number;
  height: number;
  bitDepth: number;
}

export async function findImageProject(db: Db, imageId: string): Promise<string> {
  const image = await db.image.findUnique({ where: { id: imageId }, select: { projectId: true } });
  if (!image) throw new AppError('NOT_FOUND', 'Image not found.');
  return image.projectId;
}

export async function readImageVariant(
  deps: { db: Db; blobs: BlobStore },
  imageId: string,
  variant: ImageVariant,
): Promise<ImageVariantBytes> {
  const image = await deps.db.image.findUnique({
    where: { id: imageId },
    select: { width: true, height: true, bitDepth: true, pixelsKey: true, thumbnailKey: true },
  });
  if (!image) throw new AppError('NOT_FOUND', 'Image not found.');
  const meta = { width: image.width, height: image.height, bitDepth: image.bitDepth };
  if (variant === 'thumbnail')
    return { ...meta, bytes: await deps.blobs.get(image.thumbnailKey), contentType: 'image/jpeg' };
  const png = await deps.blobs.get(image.pixelsKey);
  if (variant === 'pixels') return { ...meta, bytes: png, contentType: 'image/png' };
  const sixteen = image.bitDepth === 16;
  const raw = await sharp(png, { limitInputPixels: false })
    .toColourspace(sixteen ? 'grey16' : 'b-w')
    .raw({ depth: sixteen ? 'ushort' : 'uchar' })
    .toBuffer();
  return {
    ...meta,
    bytes: new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength),
    contentType: 'application/octet-stream',
  };
}
