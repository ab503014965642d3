import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it } from 'vitest';
import { selectTrainingBackend, trainingWorkersWanted } from './backend';

describe('selectTrainingBackend', () => {
  it('falls back to wasm when tfjs-node(-gpu) is not installed, and logs why', async () => {
    const lines: string[] = [];
    const backend = await selectTrainingBackend({ log: (l) => lines.push(l) });
    // Another spec in this worker may have selected first (idempotent); the choice is the same.
    expect(backend.name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(backend.notes.some((n) => n.includes('@tensorflow/tfjs-node-gpu'))).toBe(true);
    expect(lines.length).toBeLessThanOrEqual(1);
  });
});

describe('trainingWorkersWanted', () => {
  const saved = process.env.LOUPE_TRAINING_WORKERS;
  afterEach(() => {
    if (saved === undefined) delete process.env.LOUPE_TRAINING_WORKERS;
    else process.env.LOUPE_TRAINING_WORKERS = saved;
  });

  it('is 0 (this thread alone) unless LOUPE_TRAINING_WORKERS asks for more, at most 3', () => {
    delete process.env.LOUPE_TRAINING_WORKERS;
    expect(trainingWorkersWanted()).toBe(0);
    process.env.LOUPE_TRAINING_WORKERS = '8';
    expect(trainingWorkersWanted()).toBe(3);
  });

  it('follows LOUPE_TRAINING_WORKERS, 0 turning the data-parallel steps off', () => {
    process.env.LOUPE_TRAINING_WORKERS = '0';
    expect(trainingWorkersWanted()).toBe(0);
    process.env.LOUPE_TRAINING_WORKERS = '2';
    expect(trainingWorkersWanted()).toBe(2);
    process.env.LOUPE_TRAINING_WORKERS = 'lots';
    expect(trainingWorkersWanted()).toBe(0);
  });
});
