import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { DbError } from '../errors/db-error';

export const MODEL_FILES = ['encoder.onnx', 'decoder.onnx'] as const;
export type ModelFileName = (typeof MODEL_FILES)[number];

const fileEntry = z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/) }).passthrough();
const namedFileEntry = fileEntry.extend({ path: z.string().optional(), name: z.string().optional(), file: z.string().optional() });
const manifestSchema = z
  .object({
    /** Also accepted: { "encoder.onnx": { sha256 } } or [{ path|name|file: "encoder.onnx", sha256 }]. */
    files: z.union([z.record(z.string(), fileEntry), z.array(namedFileEntry)]).optional(),
    config: z.unknown().optional(),
    configName: z.string().optional(),
  })
  .passthrough();

/** libs/model's exporter writes { encoder: { file: "encoder.onnx", sha256, ... }, decoder: {...} }. */
const describedFile = z.object({ file: z.string(), sha256: z.string().regex(/^[0-9a-f]{64}$/) }).passthrough();

export interface ModelManifest {
  /** The manifest as written (stored as-is in the blob store). */
  raw: Record<string, unknown>;
  /** sha256 the manifest declares for each model file, where it declares one. */
  declaredSha256: Partial<Record<ModelFileName, string>>;
  /** The network config (manifest.config, else the whole manifest). */
  config: unknown;
  /** manifest.configName when present. */
  configName: string | undefined;
}

const baseName = (path: string) => path.split(/[\\/]/).pop() ?? path;

/** Reads <dir>/manifest.json and checks the model files it describes are there. */
export function readModelManifest(dir: string): ModelManifest {
  const manifestPath = join(dir, 'manifest.json');
  if (!existsSync(manifestPath)) {
    throw new DbError('MISSING_FILE', `No model at ${dir} (manifest.json missing); run "npm run train:starter" or check the path.`);
  }
  let parsed: z.infer<typeof manifestSchema>;
  try {
    parsed = manifestSchema.parse(JSON.parse(readFileSync(manifestPath, 'utf8')));
  } catch (error) {
    throw new DbError('BAD_INPUT', `${manifestPath} is not a valid model manifest: ${(error as Error).message.split('\n')[0]}`, { cause: error });
  }
  const declaredSha256: Partial<Record<ModelFileName, string>> = {};
  const entries = Array.isArray(parsed.files)
    ? parsed.files.map((entry) => [baseName(entry.path ?? entry.name ?? entry.file ?? ''), entry.sha256] as const)
    : Object.entries(parsed.files ?? {}).map(([name, entry]) => [baseName(name), entry.sha256] as const);
  for (const value of Object.values(parsed)) {
    const described = describedFile.safeParse(value);
    if (described.success) entries.push([baseName(described.data.file), described.data.sha256] as const);
  }
  for (const [name, sha256] of entries) {
    if ((MODEL_FILES as readonly string[]).includes(name)) declaredSha256[name as ModelFileName] = sha256;
  }
  for (const name of MODEL_FILES) {
    if (!existsSync(join(dir, name))) throw new DbError('MISSING_FILE', `Model at ${dir} has no ${name}; re-export the model.`);
    // Without a declared hash nothing proves the file is the one the manifest describes.
    if (!declaredSha256[name]) throw new DbError('BAD_INPUT', `${manifestPath} declares no sha256 for ${name}; re-export the model.`);
  }
  return { raw: parsed as Record<string, unknown>, declaredSha256, config: parsed.config ?? parsed, configName: parsed.configName };
}
