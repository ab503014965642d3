/**
 * Finds the newest trained model to benchmark besides the starter: BENCH_LATEST_MODEL (a model
 * directory) if set, else the newest model under .data: a directory holding manifest.json +
 * encoder.onnx + decoder.onnx, or a manifest in the content-addressed artifact store
 * (`<2 hex>/<sha256>.json`) whose ONNX files are stored beside it, laid out in a temp directory.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { MODEL_FILES, parseManifest, type ModelManifest } from '@loupe/model';

export interface FoundModel {
  dir: string;
  version: string;
  /** How it was found, for the report. */
  source: string;
}

export class LatestModelError extends Error {
  override name = 'LatestModelError';
}

async function readManifest(file: string): Promise<ModelManifest | null> {
  try {
    return parseManifest(JSON.parse(await readFile(file, 'utf8')));
  } catch {
    return null; // not a Loupe model manifest (other JSON artifacts live in the same store)
  }
}

/** Files under `root` up to `depth` levels, skipping node_modules and the embedded database. */
async function walk(root: string, depth: number, out: string[] = []): Promise<string[]> {
  if (depth < 0 || !existsSync(root)) return out;
  for (const entry of await readdir(root, { withFileTypes: true })) {
    const full = join(root, entry.name);
    if (entry.isDirectory() && entry.name !== 'node_modules' && entry.name !== 'pg')
      await walk(full, depth - 1, out);
    else if (entry.isFile() && entry.name.endsWith('.json')) out.push(full);
  }
  return out;
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** `<2 hex>/<sha>.onnx` beside a stored manifest, checked against the manifest's hash. */
async function storedFile(storeRoot: string, hash: string): Promise<Uint8Array | null> {
  for (const ext of ['.onnx', '']) {
    const file = join(storeRoot, hash.slice(0, 2), `${hash}${ext}`);
    if (existsSync(file)) {
      const bytes = new Uint8Array(await readFile(file));
      if (sha256(bytes) === hash) return bytes;
    }
  }
  return null;
}

export async function findLatestModel(options: {
  repoRoot: string;
  starterDir: string;
  env?: Record<string, string | undefined>;
}): Promise<FoundModel | null> {
  const env = options.env ?? process.env;
  const explicit = env['BENCH_LATEST_MODEL'];
  if (explicit) {
    const dir = resolve(options.repoRoot, explicit);
    const manifest = await readManifest(join(dir, MODEL_FILES.manifest));
    if (!manifest)
      throw new LatestModelError(
        `BENCH_LATEST_MODEL=${explicit}: no valid ${MODEL_FILES.manifest} in ${dir}`,
      );
    return { dir, version: manifest.version, source: 'BENCH_LATEST_MODEL' };
  }
  const starter = await readManifest(join(options.starterDir, MODEL_FILES.manifest));
  const candidates: Array<{ file: string; manifest: ModelManifest; mtimeMs: number }> = [];
  for (const file of await walk(join(options.repoRoot, '.data'), 6)) {
    const manifest = await readManifest(file);
    if (!manifest || manifest.encoder.sha256 === starter?.encoder.sha256) continue;
    candidates.push({ file, manifest, mtimeMs: (await stat(file)).mtimeMs });
  }
  candidates.sort((a, b) => b.mtimeMs - a.mtimeMs);
  for (const { file, manifest } of candidates) {
    const dir = join(file, '..');
    const isModelDir =
      file.endsWith(`/${MODEL_FILES.manifest}`) &&
      existsSync(join(dir, manifest.encoder.file)) &&
      existsSync(join(dir, manifest.decoder.file));
    if (isModelDir) return { dir, version: manifest.version, source: `model directory ${dir}` };
    // Content-addressed store: the manifest is <root>/<2 hex>/<sha>.json.
    const storeRoot = join(dir, '..');
    const encoder = await storedFile(storeRoot, manifest.encoder.sha256);
    const decoder = await storedFile(storeRoot, manifest.decoder.sha256);
    if (!encoder || !decoder) continue;
    const out = await mkdtemp(join(tmpdir(), 'loupe-latest-model-'));
    await mkdir(out, { recursive: true });
    await writeFile(join(out, MODEL_FILES.manifest), await readFile(file));
    await writeFile(join(out, manifest.encoder.file), encoder);
    await writeFile(join(out, manifest.decoder.file), decoder);
    return { dir: out, version: manifest.version, source: `artifact store ${file}` };
  }
  return null;
}
