/**
 * The image's samples from GET /api/images/:id/raw, decoded and checked by @loupe/contracts
 * (size and bit depth from the X-Image-* headers). A refused request throws the server's message.
 */
import { decodeRawImage, type RawImage } from '@loupe/contracts';

export async function fetchRawImage(imageId: string): Promise<RawImage> {
  const response = await fetch(`/api/images/${imageId}/raw`);
  if (!response.ok) {
    const body = (await response.json().catch(() => null)) as {
      error?: { message?: string };
    } | null;
    throw new Error(body?.error?.message ?? `could not load the image (HTTP ${response.status})`);
  }
  return decodeRawImage(response.headers, await response.arrayBuffer());
}
