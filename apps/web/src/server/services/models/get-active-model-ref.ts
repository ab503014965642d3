import type { ModelRef } from '@loupe/contracts';
import { getActiveModel, type Db } from '@loupe/db';

/** Where the worker downloads manifest.json, encoder.onnx, decoder.onnx (the model-file route). */
export function modelBaseUrl(modelVersionId: string): string {
  return `/api/models/${modelVersionId}`;
}

/** The model the project serves now, as the browser worker needs it (null before the first model). */
export async function getActiveModelRef(db: Db, projectId: string): Promise<ModelRef | null> {
  const model = await getActiveModel(db, projectId);
  if (!model) return null;
  return {
    modelVersionId: model.id,
    version: model.version,
    manifestSha256: model.manifestSha256,
    baseUrl: modelBaseUrl(model.id),
  };
}
