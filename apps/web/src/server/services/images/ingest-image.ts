/**
 * Ingest one uploaded file: sniff its type from content, decode (PNG, JPEG, 8/16-bit TIFF, DICOM
 * of every common transfer syntax, NIfTI 3-D/4-D), check limits, write the original, pixels and
 * thumbnails to the content-addressed blob store, then create Image (+ Volume) and Task rows in
 * ONE transaction. A refused file leaves no rows. Several DICOM files of one series go through
 * `ingestUpload` instead, which makes them one volume. The demo seed uses this same function.
 */
import type { Db } from '@loupe/db';
import type { BlobStore } from '../../blobs';
import { AppError } from '../../errors/app-error';
import type { ImageLimits } from './decoded-image';
import type { DecodeOptions } from './decode-image-file';
import { decodeImageFileOffThread, sha256OffThread } from './decode-pool';
import {
  persistDecoded,
  sha256Hex,
  type IngestedImage,
  type PersistedVolume,
} from './persist-decoded';

export type { IngestedImage } from './persist-decoded';

export interface IngestInput {
  projectId: string;
  fileName: string;
  bytes: Uint8Array;
  /** Initial queue priority of the new tasks (active learning re-scores later). */
  priority?: number;
  /** 4-D NIfTI: one volume per time point (default) or the frames as a sequence. */
  fourD?: DecodeOptions['fourD'];
  /**
   * The caller hands the bytes over: they move to the decode thread without a copy and the
   * caller's view is emptied (the upload route; never bytes a caller reads again).
   */
  bytesOwned?: boolean;
}

export interface IngestResult {
  mimeType: string;
  /** The first volume created (null for a 2-D image); all of them are in `volumes`. */
  volumeId: string | null;
  volumes: PersistedVolume[];
  images: IngestedImage[];
}

export const STORAGE_EXT: Record<string, string> = {
  'image/png': '.png',
  'image/jpeg': '.jpg',
  'image/tiff': '.tif',
  'application/dicom': '.dcm',
  'application/x-nifti': '.nii',
};

export function cleanFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? 'image';
  // Keep names printable and bounded; they are shown in the UI and exports.
  return base.replace(/[^\w.\- ()+]/g, '_').slice(0, 200) || 'image';
}

export async function findDuplicate(
  db: Db,
  projectId: string,
  sha256: string,
): Promise<string | null> {
  const duplicate = await db.image.findFirst({
    where: {
      projectId,
      // A 4-D file's time points are keyed by `${sha256}:t:${n}`.
      OR: [{ sha256 }, { volume: { sha256 } }, { volume: { sha256: sha256Hex(`${sha256}:t:0`) } }],
    },
    select: { fileName: true },
  });
  return duplicate?.fileName ?? null;
}

export async function ingestImage(
  deps: { db: Db; blobs: BlobStore },
  input: IngestInput,
  limits: ImageLimits,
): Promise<IngestResult> {
  const { db, blobs } = deps;
  if (input.bytes.length === 0) throw new AppError('BAD_INPUT', 'The file is empty.');
  if (input.bytes.length > limits.maxBytes)
    throw new AppError(
      'TOO_LARGE',
      `File is ${input.bytes.length} bytes; the limit is ${limits.maxBytes}.`,
    );
  const fileName = cleanFileName(input.fileName);
  const hashed = await sha256OffThread(input.bytes, input.bytesOwned ?? false);
  const sha256 = hashed.value;
  const duplicate = await findDuplicate(db, input.projectId, sha256);
  if (duplicate)
    throw new AppError('CONFLICT', `This file is already in the project (as ${duplicate}).`);

  // Hashing moved (or copied) the bytes once; from here on they are ours to move.
  const {
    value: { mimeType, items },
    bytes,
  } = await decodeImageFileOffThread(
    hashed.bytes,
    limits,
    { name: fileName, ...(input.fourD ? { fourD: input.fourD } : {}) },
    hashed.bytes !== input.bytes || (input.bytesOwned ?? false),
  );
  const storageKey = (await blobs.put(bytes, { ext: STORAGE_EXT[mimeType] ?? '' })).key;
  const source = { storageKey, sha256, sizeBytes: bytes.length, name: fileName };
  const result = await persistDecoded(
    deps,
    input.projectId,
    items.map((decoded, n) => ({
      decoded,
      mimeType,
      name: fileName,
      source,
      // Time points of one 4-D file are distinct volumes of the same bytes.
      ...(items.length > 1 ? { volumeSha256: sha256Hex(`${sha256}:t:${n}`) } : {}),
    })),
    input.priority ?? 0,
  );
  return {
    mimeType,
    volumeId: result.volumes[0]?.id ?? null,
    volumes: result.volumes,
    images: result.images,
  };
}
