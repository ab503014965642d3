/**
 * Checks an export before it is registered: the manifest parses (the model contract) and each ONNX
 * file hashes to what the manifest says. Returns the manifest's hashes, which the stored copies
 * must match after registration.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { parseManifest } from '@loupe/model';
import { TrainerError } from '../errors';
import type { ExportedModelFiles } from '../model/model-port';

export async function verifyExportedModel(
  files: ExportedModelFiles,
): Promise<{ encoderSha256: string; decoderSha256: string }> {
  const manifest = parseManifest(JSON.parse(await readFile(files.manifestPath, 'utf8')));
  const sha = async (path: string) =>
    createHash('sha256')
      .update(await readFile(path))
      .digest('hex');
  const [encoder, decoder] = await Promise.all([sha(files.encoderPath), sha(files.decoderPath)]);
  if (encoder !== manifest.encoder.sha256 || decoder !== manifest.decoder.sha256) {
    throw new TrainerError(
      'ARTIFACT_CORRUPT',
      `exported ONNX files in ${files.dir} do not match the hashes in their manifest`,
    );
  }
  return { encoderSha256: encoder, decoderSha256: decoder };
}
