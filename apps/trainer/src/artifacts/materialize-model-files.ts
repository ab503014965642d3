/**
 * Lays out a stored model version as a model directory (manifest.json, encoder.onnx,
 * decoder.onnx) that onnxruntime can load, after checking every file against its recorded hash.
 * Used to evaluate and run the active model next to a candidate.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BlobStore } from '@loupe/db';
import { TrainerError } from '../errors';
import type { ExportedModelFiles } from '../model/model-port';
import { readVerifiedArtifact } from './read-verified-artifact';

export interface ModelArtifactKeys {
  id: string;
  manifestKey: string | null;
  manifestSha256: string | null;
  encoderKey: string | null;
  encoderSha256: string | null;
  decoderKey: string | null;
  decoderSha256: string | null;
}

export async function materializeModelFiles(
  store: BlobStore,
  version: ModelArtifactKeys,
  dir: string,
): Promise<ExportedModelFiles> {
  if (!version.manifestKey || !version.encoderKey || !version.decoderKey) {
    throw new TrainerError('NOT_FOUND', `model version ${version.id} has no stored ONNX files`);
  }
  const manifest = await readVerifiedArtifact(store, version.manifestKey, version.manifestSha256);
  const encoder = await readVerifiedArtifact(store, version.encoderKey, version.encoderSha256);
  const decoder = await readVerifiedArtifact(store, version.decoderKey, version.decoderSha256);
  await mkdir(dir, { recursive: true });
  const files: ExportedModelFiles = {
    dir,
    manifestPath: join(dir, 'manifest.json'),
    encoderPath: join(dir, 'encoder.onnx'),
    decoderPath: join(dir, 'decoder.onnx'),
  };
  await writeFile(files.manifestPath, manifest);
  await writeFile(files.encoderPath, encoder);
  await writeFile(files.decoderPath, decoder);
  return files;
}
