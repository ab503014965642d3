/**
 * Node only: a SamPredictor on a model directory (manifest.json + the two ONNX files), with
 * onnxruntime-node unless another onnxruntime module is given. The trainer's gate, eval and the
 * benches open models this way; the browser worker uses loadModelFiles + SamPredictor.create.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Box, ClickPrompt } from '@loupe/prompts';
import * as ortNode from 'onnxruntime-node';
import { parseManifest } from '../contract';
import { MODEL_FILES } from '../model-files';
import type { ModelFiles } from './load-model-files';
import {
  OnnxInputError,
  SamPredictor,
  type ImageInput,
  type OrtModule,
  type Prediction,
  type SessionOptions,
} from './sam-predictor';
import { sha256Hex } from './sha256-hex';

/** Reads manifest.json and the two files it names, verifying their sha256 against it. */
export async function readModelDir(modelDir: string): Promise<ModelFiles> {
  const manifest = parseManifest(
    JSON.parse(await readFile(path.join(modelDir, MODEL_FILES.manifest), 'utf8')),
  );
  const read = async (file: string, sha: string) => {
    const bytes = new Uint8Array(await readFile(path.join(modelDir, file)));
    const actual = await sha256Hex(bytes);
    if (actual !== sha)
      throw new OnnxInputError(
        `${path.join(modelDir, file)}: sha256 ${actual} does not match the manifest's ${sha}`,
      );
    return bytes;
  };
  return {
    manifest,
    encoder: await read(manifest.encoder.file, manifest.encoder.sha256),
    decoder: await read(manifest.decoder.file, manifest.decoder.sha256),
  };
}

/** SamPredictor.create for in-memory files, defaulting to onnxruntime-node. */
export function createNodePredictor(
  files: ModelFiles,
  options: { ort?: OrtModule; sessionOptions?: SessionOptions } = {},
): Promise<SamPredictor> {
  return SamPredictor.create({ ...files, ...options, ort: options.ort ?? ortNode });
}

/** readModelDir + createNodePredictor. */
export async function openModelDir(
  modelDir: string,
  options: { ort?: OrtModule; sessionOptions?: SessionOptions } = {},
): Promise<SamPredictor> {
  return createNodePredictor(await readModelDir(modelDir), options);
}

/** One-shot convenience: open a model directory and predict. */
export async function predictWithOnnx(
  modelDir: string,
  image: ImageInput,
  box: Box,
  clicks: readonly ClickPrompt[] = [],
): Promise<Prediction> {
  const predictor = await openModelDir(modelDir);
  try {
    return await predictor.predict(image, box, clicks);
  } finally {
    await predictor.release();
  }
}
