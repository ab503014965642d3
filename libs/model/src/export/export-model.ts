/**
 * Writes encoder.onnx, decoder.onnx and manifest.json (contract.ts) for a trained segmenter.
 * Files are written to temporary names and renamed, so a reader never sees half a model.
 */
import { createHash } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { MODEL_FORMAT, parseManifest, type ModelManifest } from '../contract';
import { manifestGeometry } from '../manifest-for-config';
import { MODEL_FILES } from '../model-files';
import type { SegmenterModel } from '../segmenter-model';
import {
  buildDecoderGraph,
  buildEncoderGraph,
  type DecoderGraphOptions,
} from './build-onnx-graphs';

export interface ExportOptions extends DecoderGraphOptions {
  version: string;
  training?: Record<string, unknown>;
}

export interface ExportResult {
  manifest: ModelManifest;
  files: { encoder: string; decoder: string; manifest: string };
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

async function writeAtomic(file: string, bytes: Uint8Array | string): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}`;
  await writeFile(tmp, bytes);
  await rename(tmp, file);
}

export async function exportModel(
  model: SegmenterModel,
  outDir: string,
  options: ExportOptions,
): Promise<ExportResult> {
  const weights = (name: string) => model.weight(name);
  const encoder = buildEncoderGraph(model.config, weights);
  const decoder = buildDecoderGraph(model.config, weights, { maskPrompt: options.maskPrompt });
  const manifest = parseManifest({
    format: MODEL_FORMAT,
    version: options.version,
    createdAt: new Date().toISOString(),
    configName: model.config.name,
    config: model.config,
    ...manifestGeometry(model.config),
    encoder: {
      file: MODEL_FILES.encoder,
      sha256: sha256(encoder.bytes),
      bytes: encoder.bytes.length,
      inputs: encoder.inputs,
      outputs: encoder.outputs,
    },
    decoder: {
      file: MODEL_FILES.decoder,
      sha256: sha256(decoder.bytes),
      bytes: decoder.bytes.length,
      inputs: decoder.inputs,
      outputs: decoder.outputs,
    },
    ...(options.training ? { training: options.training } : {}),
  });
  await mkdir(outDir, { recursive: true });
  const files = {
    encoder: path.join(outDir, MODEL_FILES.encoder),
    decoder: path.join(outDir, MODEL_FILES.decoder),
    manifest: path.join(outDir, MODEL_FILES.manifest),
  };
  await writeAtomic(files.encoder, encoder.bytes);
  await writeAtomic(files.decoder, decoder.bytes);
  await writeAtomic(files.manifest, `${JSON.stringify(manifest, null, 2)}\n`);
  return { manifest, files };
}
