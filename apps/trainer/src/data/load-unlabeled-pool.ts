/**
 * The project's unlabeled pool for MAE pretraining: images without an accepted mask, most recent
 * first (the pool's growth is what triggered the run), at most `limit`.
 */
import type { Db } from '@loupe/db';
import type { BlobReader } from './blob-reader';
import type { GrayImage } from './decode-image-pixels';
import { loadImage } from './load-image';

export async function loadUnlabeledPool(
  db: Db,
  blobs: BlobReader,
  projectId: string,
  limit: number,
): Promise<(GrayImage & { imageId: string })[]> {
  const images = await db.image.findMany({
    where: { projectId, annotations: { none: { supersededAt: null } } },
    select: { id: true, pixelsKey: true, width: true, height: true, fileName: true },
    orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
    take: limit,
  });
  const pool: (GrayImage & { imageId: string })[] = [];
  for (const image of images) pool.push({ ...(await loadImage(blobs, image)), imageId: image.id });
  return pool;
}
