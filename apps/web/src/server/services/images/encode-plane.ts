/** A luminance plane -> the stored pixels PNG (8/16-bit grey) and a small JPEG thumbnail. */
import sharp from './configured-sharp';
import type { DecodedPlane } from './decoded-image';

export const THUMBNAIL_SIDE = 256;

export async function encodePlane(
  plane: DecodedPlane,
): Promise<{ pixelsPng: Uint8Array; thumbnailJpeg: Uint8Array }> {
  const raw = { width: plane.width, height: plane.height, channels: 1 as const };
  const pixelsPng = await sharp(plane.pixels, { raw, limitInputPixels: false })
    .toColourspace(plane.bitDepth === 16 ? 'grey16' : 'b-w')
    .png({ compressionLevel: 6 })
    .toBuffer();
  // Thumbnails are contrast-stretched so dark 16-bit data is visible at a glance.
  const thumbnailJpeg = await sharp(plane.pixels, { raw, limitInputPixels: false })
    .resize(THUMBNAIL_SIDE, THUMBNAIL_SIDE, { fit: 'inside', withoutEnlargement: true })
    .normalise()
    .toColourspace('b-w')
    .jpeg({ quality: 80 })
    .toBuffer();
  return { pixelsPng: new Uint8Array(pixelsPng), thumbnailJpeg: new Uint8Array(thumbnailJpeg) };
}
