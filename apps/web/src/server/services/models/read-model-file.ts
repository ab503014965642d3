import { MODEL_FILES } from '@loupe/model';
import type { Db } from '@loupe/db';
import type { BlobStore } from '../../blobs';
import { AppError } from '../../errors/app-error';

export const SERVED_MODEL_FILES = [MODEL_FILES.manifest, MODEL_FILES.encoder, MODEL_FILES.decoder] as const;
export type ServedModelFile = (typeof SERVED_MODEL_FILES)[number];

export async function findModelProject(db: Db, modelVersionId: string): Promise<string> {
  const model = await db.modelVersion.findUnique({ where: { id: modelVersionId }, select: { projectId: true } });
  if (!model) throw new AppError('NOT_FOUND', 'Model version not found.');
  return model.projectId;
}

/** One file of a registered model version from the artifact store, with its registered sha256. */
export async function readModelFile(
  deps: { db: Db; artifacts: BlobStore },
  modelVersionId: string,
  file: ServedModelFile,
): Promise<{ bytes: Uint8Array; sha256: string | null; contentType: string }> {
  const model = await deps.db.modelVersion.findUnique({
    where: { id: modelVersionId },
    select: { manifestKey: true, manifestSha256: true, encoderKey: true, encoderSha256: true, decoderKey: true, decoderSha256: true },
  });
  if (!model) throw new AppError('NOT_FOUND', 'Model version not found.');
  const [key, sha256] =
    file === MODEL_FILES.manifest
      ? [model.manifestKey, model.manifestSha256]
      : file === MODEL_FILES.encoder
        ? [model.encoderKey, model.encoderSha256]
        : [model.decoderKey, model.decoderSha256];
  if (!key) throw new AppError('NOT_FOUND', `Model version has no ${file}.`);
  const bytes = await deps.artifacts.get(key);
  return { bytes, sha256, contentType: file.endsWith('.json') ? 'application/json' : 'application/octet-stream' };
}
