/**
 * Checkpoints: weights + config + optimizer state + step in one safetensors file, so a run can
 * resume. Optimizer moments are extra tensors named `optimizer.m/<param>` and `optimizer.v/<param>`;
 * config, step, optimizer options and caller metadata are JSON strings in `__metadata__`.
 * Saving is atomic (temp file + rename).
 */
import * as tf from '@tensorflow/tfjs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { modelConfigSchema, type ModelConfig } from '../config';
import { createRng } from '../ops/seeded-random';
import { SegmenterModel, initialValue } from '../segmenter-model';
import type { AdamState, AdamW } from '../training/adam';
import { decodeSafetensors, encodeSafetensors, type NamedTensor } from './safetensors';

export const CHECKPOINT_FORMAT = 'loupe-segmenter-checkpoint@1';

export class CheckpointMismatchError extends Error {
  override name = 'CheckpointMismatchError';
}

export interface SaveCheckpointInput {
  model: SegmenterModel;
  optimizer?: AdamW | null;
  step?: number;
  /** Anything JSON-serialisable (epoch, loss history, labels seen). */
  metadata?: Record<string, unknown>;
}

export interface LoadedCheckpoint {
  config: ModelConfig;
  step: number;
  weights: Map<string, NamedTensor>;
  optimizer: AdamState | null;
  metadata: Record<string, unknown>;
}

export async function saveCheckpoint(file: string, input: SaveCheckpointInput): Promise<void> {
  const tensors = new Map<string, NamedTensor>();
  for (const spec of input.model.specs) tensors.set(spec.name, input.model.weight(spec.name));
  let optimizerMeta: Omit<AdamState, 'moments'> | null = null;
  if (input.optimizer) {
    const state = input.optimizer.getState();
    for (const [name, { m, v }] of state.moments) {
      tensors.set(`optimizer.m/${name}`, m);
      tensors.set(`optimizer.v/${name}`, v);
    }
    optimizerMeta = { step: state.step, options: state.options };
  }
  const bytes = encodeSafetensors(tensors, {
    format: CHECKPOINT_FORMAT,
    config: JSON.stringify(input.model.config),
    step: String(input.step ?? 0),
    optimizer: JSON.stringify(optimizerMeta),
    metadata: JSON.stringify(input.metadata ?? {}),
  });
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  await writeFile(tmp, bytes);
  await rename(tmp, file);
}

export async function loadCheckpoint(file: string): Promise<LoadedCheckpoint> {
  const { tensors, metadata } = decodeSafetensors(new Uint8Array(await readFile(file)));
  if (metadata.format !== CHECKPOINT_FORMAT)
    throw new CheckpointMismatchError(
      `${file}: not a Loupe checkpoint (format ${metadata.format ?? 'missing'}, expected ${CHECKPOINT_FORMAT})`,
    );
  const config = modelConfigSchema.parse(JSON.parse(metadata.config ?? 'null'));
  const weights = new Map<string, NamedTensor>();
  const moments = new Map<string, { m: NamedTensor; v: NamedTensor }>();
  for (const [name, t] of tensors) {
    if (name.startsWith('optimizer.m/')) {
      const param = name.slice('optimizer.m/'.length);
      const v = tensors.get(`optimizer.v/${param}`);
      if (!v)
        throw new CheckpointMismatchError(`${file}: optimizer state for ${param} has m but no v`);
      moments.set(param, { m: t, v });
    } else if (!name.startsWith('optimizer.v/')) weights.set(name, t);
  }
  const optimizerMeta = JSON.parse(metadata.optimizer ?? 'null') as Omit<
    AdamState,
    'moments'
  > | null;
  return {
    config,
    step: Number(metadata.step ?? 0),
    weights,
    optimizer: optimizerMeta ? { ...optimizerMeta, moments } : null,
    metadata: JSON.parse(metadata.metadata ?? '{}') as Record<string, unknown>,
  };
}

/** Paths (a.b.c) where two configs differ, with both values. */
export function describeConfigDifference(a: unknown, b: unknown, prefix = ''): string[] {
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].flatMap((k) =>
      describeConfigDifference(
        (a as Record<string, unknown>)[k],
        (b as Record<string, unknown>)[k],
        prefix ? `${prefix}.${k}` : k,
      ),
    );
  }
  return a === b ? [] : [`${prefix || '(root)'}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`];
}

/** Copies checkpoint weights into a model of the same architecture; throws naming what differs. */
export function assignWeights(
  model: SegmenterModel,
  weights: Map<string, NamedTensor>,
  options: { only?: (name: string) => boolean; source?: string } = {},
): number {
  const source = options.source ?? 'checkpoint';
  let assigned = 0;
  const problems: string[] = [];
  const copies: { to: string; from: string }[] = [];
  for (const spec of model.specs) {
    if (options.only && !options.only(spec.name)) continue;
    const w = weights.get(spec.name);
    // Added after the checkpoint was written: keeps its declared init (a copy re-taken from the
    // checkpoint's source parameter below).
    if (!w && spec.optional) {
      if (spec.init.kind === 'copyOf') copies.push({ to: spec.name, from: spec.init.name });
      continue;
    }
    if (!w) {
      problems.push(`missing ${spec.name}`);
      continue;
    }
    if (w.shape.join('x') !== spec.shape.join('x')) {
      problems.push(
        `${spec.name}: shape [${w.shape.join(', ')}] in ${source}, [${spec.shape.join(', ')}] in the model`,
      );
      continue;
    }
    const t = tensorFrom(w);
    model.variables.get(spec.name)?.assign(t);
    t.dispose();
    assigned++;
  }
  if (problems.length)
    throw new CheckpointMismatchError(
      `${source} does not fit the model: ${problems.slice(0, 8).join('; ')}${problems.length > 8 ? ` (+${problems.length - 8} more)` : ''}`,
    );
  for (const { to, from } of copies) {
    const value = model.variables.get(from);
    if (value) model.variables.get(to)?.assign(value);
  }
  return assigned;
}

function tensorFrom(w: NamedTensor): tf.Tensor {
  return tf.tensor(w.data, w.shape, 'float32');
}

export async function loadSegmenterFromCheckpoint(
  file: string,
  options: { expectConfig?: ModelConfig } = {},
): Promise<{ model: SegmenterModel; checkpoint: LoadedCheckpoint }> {
  const checkpoint = await loadCheckpoint(file);
  if (options.expectConfig) {
    const diff = describeConfigDifference(checkpoint.config, options.expectConfig);
    if (diff.length)
      throw new CheckpointMismatchError(
        `${file} was trained with another config (checkpoint vs expected): ${diff.join('; ')}`,
      );
  }
  // Parameters added after the checkpoint was written start from their declared init (a fixed
  // seed, so loading is deterministic).
  const rng = createRng(1);
  const model = new SegmenterModel(checkpoint.config, (spec, earlier) => {
    const w = checkpoint.weights.get(spec.name);
    if (!w && spec.optional) return initialValue(spec, rng, earlier);
    if (!w) throw new CheckpointMismatchError(`${file}: missing parameter ${spec.name}`);
    if (w.shape.join('x') !== spec.shape.join('x'))
      throw new CheckpointMismatchError(
        `${file}: ${spec.name} has shape [${w.shape.join(', ')}], the network expects [${spec.shape.join(', ')}]`,
      );
    return w.data;
  });
  return { model, checkpoint };
}

/**
 * Restores weights and optimizer state into an existing model/optimizer to continue a run.
 * Throws CheckpointMismatchError naming each config field that differs.
 */
export async function loadCheckpointForResume(
  file: string,
  target: { model: SegmenterModel; optimizer?: AdamW },
): Promise<LoadedCheckpoint> {
  const checkpoint = await loadCheckpoint(file);
  const diff = describeConfigDifference(checkpoint.config, target.model.config);
  if (diff.length)
    throw new CheckpointMismatchError(
      `${file} is from another config (checkpoint vs model): ${diff.join('; ')}`,
    );
  assignWeights(target.model, checkpoint.weights, { source: file });
  if (target.optimizer && checkpoint.optimizer) target.optimizer.setState(checkpoint.optimizer);
  return checkpoint;
}
