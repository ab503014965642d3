/**
 * The two content-addressed stores (libs/db's BlobStore): uploaded images, pixels, thumbnails and
 * masks under BLOB_DIR; model artifacts (written by the registry/trainer) under ARTIFACT_DIR.
 */
import { createBlobStore, type BlobStore } from '@loupe/db';
import { env } from '../env';

export type { BlobStore };

/** The stores a service needs; tests build their own in a temporary folder. */
export interface Stores {
  blobs: BlobStore;
  artifacts: BlobStore;
}

const globalForStores = globalThis as unknown as { loupeStores?: Stores };

export function getStores(): Stores {
  globalForStores.loupeStores ??= {
    blobs: createBlobStore(env.db.BLOB_DIR),
    artifacts: createBlobStore(env.db.ARTIFACT_DIR),
  };
  return globalForStores.loupeStores;
}

export function getBlobs(): BlobStore {
  return getStores().blobs;
}
