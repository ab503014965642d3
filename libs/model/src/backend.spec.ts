import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { selectTrainingBackend } from './backend';

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
