import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MODEL_FILES as CONTRACT_FILES, parseManifest, type ModelManifest as ContractManifest } from '@loupe/model';
import { DbError } from '../errors/db-error';

/** The ONNX files a registered model consists of (names from the model contract). */
export const MODEL_FILES = [CONTRACT_FILES.encoder, CONTRACT_FILES.decoder] as const;
export type ModelFileName = (typeof MODEL_FILES)[number];

export interface ModelManifest {
  /** The manifest as written (stored as-is in the blob store). */
  raw: Record<string, unknown>;
  /** sha256 the manifest declares for each model file. */
  declaredSha256: Record<ModelFileName, string>;
  /** The network config. */
  config: unknown;
  configName: string;
}

/**
 * Reads <dir>/manifest.json with the model contract's parser (the same one the browser uses) and
 * checks the files it describes are there.
 */
export function readModelManifest(dir: string): ModelManifest {
  const manifestPath = join(dir, 'manifest.json');
  if (!existsSync(manifestPath)) {
    throw new DbError('MISSING_FILE', `No model at ${dir} (manifest.json missing); run "npm run train:starter" or check the path.`);
  }
  let raw: Record<string, unknown>;
  let manifest: ContractManifest;
  try {
    raw = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, unknown>;
    manifest = parseManifest(raw);
  } catch (error) {
    throw new DbError('BAD_INPUT', `${manifestPath} is not a valid model manifest: ${(error as Error).message.split('\n')[0]}`, { cause: error });
  }
  const declaredSha256 = {} as Record<ModelFileName, string>;
  for (const part of [manifest.encoder, manifest.decoder]) {
    const name = part.file.split(/[\\/]/).pop() ?? part.file;
    if (!(MODEL_FILES as readonly string[]).includes(name)) {
      throw new DbError('BAD_INPUT', `${manifestPath} names "${part.file}"; expected ${MODEL_FILES.join(' and ')}.`);
    }
    declaredSha256[name as ModelFileName] = part.sha256;
  }
  for (const name of MODEL_FILES) {
    if (!existsSync(join(dir, name))) throw new DbError('MISSING_FILE', `Model at ${dir} has no ${name}; re-export the model.`);
  }
  return { raw, declaredSha256, config: manifest.config, configName: manifest.configName };
}
