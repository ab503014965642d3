import { ABSENT_TAG } from '@loupe/contracts';
import type { DbOrTx } from '@loupe/db';

/**
 * A human mask saved on an image tagged 'absent' wins: the tag is superseded (kept for history,
 * never trained on). Called after every accepted mask; a no-op when the image has no such tag.
 */
export async function supersedeAbsentTag(db: DbOrTx, imageId: string): Promise<number> {
  const result = await db.weakLabel.updateMany({
    where: { imageId, kind: 'IMAGE_TAG', tag: ABSENT_TAG, supersededAt: null },
    data: { supersededAt: new Date() },
  });
  return result.count;
}
