/**
 * Downloads a model version's manifest and ONNX files and checks every sha256 (the manifest's
 * against the registry, the files' against the manifest) before anything is handed to onnxruntime.
 * Browser-safe (fetch, WebCrypto): the inference worker and the loop bench's subscribed browser
 * load models with it.
 */
import { parseManifest, type ModelManifest } from '../contract';
import { MODEL_FILES } from '../model-files';
import { sha256Hex } from './sha256-hex';

export class ModelDownloadError extends Error {
  override name = 'ModelDownloadError';
}

/** A model version's manifest and ONNX bytes, verified: what SamPredictor.create takes. */
export interface ModelFiles {
  manifest: ModelManifest;
  encoder: Uint8Array;
  decoder: Uint8Array;
}

/** How files are fetched: the worker's own fetch; a Node client passes one that sends its session cookie. */
export type FetchFile = (url: string) => Promise<Response>;

const sameOriginFetch: FetchFile = (url) => fetch(url, { credentials: 'same-origin' });

async function download(url: string, fetchFile: FetchFile): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetchFile(url);
  } catch (error) {
    throw new ModelDownloadError(`could not download ${url}: ${(error as Error).message}`);
  }
  if (!response.ok)
    throw new ModelDownloadError(`could not download ${url}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

async function verify(bytes: Uint8Array, expected: string, what: string): Promise<void> {
  const actual = await sha256Hex(bytes);
  if (actual !== expected)
    throw new ModelDownloadError(
      `${what} failed its integrity check (sha256 ${actual.slice(0, 12)}…, expected ${expected.slice(0, 12)}…)`,
    );
}

/** Where a model's files are served; a ModelRef (@loupe/contracts) fits. */
export interface ModelLocation {
  /** `${baseUrl}/manifest.json` etc. */
  baseUrl: string;
  /** sha256 of manifest.json as registered; null: not checked. */
  manifestSha256: string | null;
}

export async function loadModelFiles(
  model: ModelLocation,
  fetchFile: FetchFile = sameOriginFetch,
): Promise<ModelFiles> {
  const manifestBytes = await download(`${model.baseUrl}/${MODEL_FILES.manifest}`, fetchFile);
  if (model.manifestSha256) await verify(manifestBytes, model.manifestSha256, MODEL_FILES.manifest);
  let manifest: ModelManifest;
  try {
    manifest = parseManifest(JSON.parse(new TextDecoder().decode(manifestBytes)));
  } catch (error) {
    throw new ModelDownloadError(
      `${MODEL_FILES.manifest} is not a valid model manifest: ${(error as Error).message}`,
    );
  }
  const [encoder, decoder] = await Promise.all([
    download(`${model.baseUrl}/${MODEL_FILES.encoder}`, fetchFile),
    download(`${model.baseUrl}/${MODEL_FILES.decoder}`, fetchFile),
  ]);
  await verify(encoder, manifest.encoder.sha256, MODEL_FILES.encoder);
  await verify(decoder, manifest.decoder.sha256, MODEL_FILES.decoder);
  return { manifest, encoder, decoder };
}
