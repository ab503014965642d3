import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TINY_CONFIG } from '../config';
import { createSegmenter } from '../segmenter-model';
import { useTrainingBackend } from '../test-setup';
import { AdamW } from '../training/adam';
import {
  CheckpointMismatchError,
  loadCheckpoint,
  loadCheckpointForResume,
  loadSegmenterFromCheckpoint,
  saveCheckpoint,
} from './checkpoint';
import { decodeSafetensors, encodeSafetensors } from './safetensors';

describe('safetensors', () => {
  it('writes the standard layout: u64 LE header length, JSON header, 8-byte aligned LE data', () => {
    const bytes = encodeSafetensors(
      new Map([['a', { data: Float32Array.of(1, -2, 3.5, 4), shape: [2, 2] }]]),
      { note: 'x' },
    );
    const view = new DataView(bytes.buffer);
    const headerLength = Number(view.getBigUint64(0, true));
    expect((8 + headerLength) % 8).toBe(0);
    const header = JSON.parse(Buffer.from(bytes.subarray(8, 8 + headerLength)).toString());
    expect(header.a).toEqual({ dtype: 'F32', shape: [2, 2], data_offsets: [0, 16] });
    expect(header.__metadata__).toEqual({ note: 'x' });
    expect(view.getFloat32(8 + headerLength + 8, true)).toBe(3.5);
    const back = decodeSafetensors(bytes);
    expect(Array.from(back.tensors.get('a')?.data ?? [])).toEqual([1, -2, 3.5, 4]);
  });

  it('rejects a truncated file with a clear error', () => {
    expect(() => decodeSafetensors(new Uint8Array(4))).toThrow(/too short/);
  });
});

describe('checkpoints', () => {
  let dir: string;
  beforeAll(async () => {
    await useTrainingBackend();
    dir = await mkdtemp(path.join(tmpdir(), 'loupe-ckpt-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('round-trips weights, config, step and optimizer state', async () => {
    const model = createSegmenter(TINY_CONFIG, { seed: 1 });
    const optimizer = new AdamW({ learningRate: 1e-3 });
    const vars = model.trainableVariables();
    const first = [...vars.keys()][0] as string;
    const { ones } = await import('@tensorflow/tfjs');
    const grad = ones((vars.get(first) as { shape: number[] }).shape);
    optimizer.apply(vars, { [first]: grad });
    grad.dispose();
    const file = path.join(dir, 'a.safetensors');
    await saveCheckpoint(file, { model, optimizer, step: 12, metadata: { epoch: 2 } });
    const loaded = await loadSegmenterFromCheckpoint(file);
    expect(loaded.checkpoint.step).toBe(12);
    expect(loaded.checkpoint.metadata).toEqual({ epoch: 2 });
    expect(loaded.checkpoint.optimizer?.step).toBe(1);
    expect(loaded.checkpoint.optimizer?.moments.get(first)?.m.data.length).toBe(
      model.weight(first).data.length,
    );
    expect(Array.from(loaded.model.weight(first).data)).toEqual(
      Array.from(model.weight(first).data),
    );

    const resumedOptimizer = new AdamW({ learningRate: 1 });
    const fresh = createSegmenter(TINY_CONFIG, { seed: 99 });
    await loadCheckpointForResume(file, { model: fresh, optimizer: resumedOptimizer });
    expect(resumedOptimizer.step).toBe(1);
    expect(resumedOptimizer.options.learningRate).toBe(1e-3);
    expect(Array.from(fresh.weight(first).data)).toEqual(Array.from(model.weight(first).data));
    for (const m of [model, loaded.model, fresh]) m.dispose();
    optimizer.dispose();
    resumedOptimizer.dispose();
  });

  it('refuses a checkpoint from another config, naming the differing fields', async () => {
    const model = createSegmenter(TINY_CONFIG, { seed: 1 });
    const file = path.join(dir, 'b.safetensors');
    await saveCheckpoint(file, { model });
    const other = createSegmenter(
      {
        ...TINY_CONFIG,
        decoderDim: 24,
        imageEncoder: {
          ...TINY_CONFIG.imageEncoder,
          stage2: { ...TINY_CONFIG.imageEncoder.stage2, depth: 2 },
        },
      },
      { seed: 1 },
    );
    const error = await loadCheckpointForResume(file, { model: other }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CheckpointMismatchError);
    expect(String(error)).toMatch(/decoderDim: 16 vs 24/);
    expect(String(error)).toMatch(/imageEncoder\.stage2\.depth: 1 vs 2/);
    await expect(loadSegmenterFromCheckpoint(file, { expectConfig: other.config })).rejects.toThrow(
      /decoderDim/,
    );
    model.dispose();
    other.dispose();
  });

  it('writes atomically: no temp file is left behind', async () => {
    const model = createSegmenter(TINY_CONFIG, { seed: 1 });
    const file = path.join(dir, 'c.safetensors');
    await saveCheckpoint(file, { model });
    const { readdir } = await import('node:fs/promises');
    expect((await readdir(dir)).filter((f) => f.includes('.tmp-'))).toEqual([]);
    expect((await readFile(file)).length).toBeGreaterThan(8);
    expect((await loadCheckpoint(file)).config).toEqual(TINY_CONFIG);
    model.dispose();
  });
});
