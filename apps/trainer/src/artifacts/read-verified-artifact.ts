/**
 * Reads a content-addressed artifact and checks it still hashes to its key, so a damaged model
 * file or checkpoint is never loaded.
 */
import { createHash } from 'node:crypto';
import type { BlobStore } from '@loupe/db';
import { TrainerError, describeFailure } from '../errors';

export async function readVerifiedArtifact(
  store: BlobStore,
  key: string,
  expectedSha256?: string | null,
): Promise<Uint8Array> {
  const fromKey = /^[0-9a-f]{2}\/([0-9a-f]{64})/.exec(key)?.[1];
  const expected = expectedSha256 ?? fromKey;
  if (!expected)
    throw new TrainerError('ARTIFACT_CORRUPT', `"${key}" is not a content-addressed artifact key`);
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await store.get(key));
  } catch (error) {
    throw new TrainerError(
      'NOT_FOUND',
      `artifact ${key} could not be read: ${describeFailure(error)}`,
      { cause: error },
    );
  }
  const actual = createHash('sha256').update(bytes).digest('hex');
  if (actual !== expected)
    throw new TrainerError(
      'ARTIFACT_CORRUPT',
      `artifact ${key} hashes to ${actual}, expected ${expected}`,
    );
  return bytes;
}
