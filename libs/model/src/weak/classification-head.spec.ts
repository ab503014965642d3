import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../ops/seeded-random';
import { useTrainingBackend } from '../test-setup';
import { classActivationMap, activationPeaks } from './class-activation-map';
import {
  ClassificationHeadError,
  poolScores,
  presentProbability,
  trainClassificationHead,
  type TaggedFeatureGrid,
} from './classification-head';
import type { FeatureGrid } from './feature-grid';

/**
 * 8 x 8 grids of 4 noisy channels; a 'present' image has one object cell where channel 0 (sub-class
 * 0) or channel 1 (sub-class 1) is high. The head must learn the tag from that cell alone.
 */
function makeGrid(
  seed: number,
  object: { x: number; y: number; channel: number } | null,
): FeatureGrid {
  const rng = createRng(seed);
  const data = Float32Array.from({ length: 8 * 8 * 4 }, () => rng.normal() * 0.3);
  if (object) data[(object.y * 8 + object.x) * 4 + object.channel] = 3;
  return { width: 8, height: 8, channels: 4, stride: 8, data };
}

function dataset(
  count: number,
  seed: number,
): (TaggedFeatureGrid & { at: { x: number; y: number } | null })[] {
  const rng = createRng(seed);
  return Array.from({ length: count }, (_, i) => {
    const present = i % 2 === 0;
    const subClass = present ? (i / 2) % 2 : null;
    const at = present ? { x: rng.int(8), y: rng.int(8) } : null;
    const grid = makeGrid(seed * 100 + i, at ? { ...at, channel: subClass as number } : null);
    return { grid, present, subClass, at };
  });
}

describe('trainClassificationHead', () => {
  beforeAll(useTrainingBackend);

  it('learns the tag from one object cell, and its CAM peaks there', async () => {
    const before = tf.memory().numTensors;
    const { weights, finalLoss } = await trainClassificationHead(dataset(32, 1), {
      subClasses: 2,
      hidden: 8,
      epochs: 40,
      learningRate: 0.02,
      seed: 3,
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(finalLoss).toBeLessThan(0.45);
    const test = dataset(16, 2);
    let peakOnObject = 0;
    for (const t of test) {
      const p = presentProbability(weights, t.grid);
      if (t.present) expect(p).toBeGreaterThan(0.5);
      else expect(p).toBeLessThan(0.5);
      if (t.at) {
        const [peak] = activationPeaks(classActivationMap(weights, t.grid), {
          minValue: 0.5,
          minDistance: 8,
          maxPeaks: 1,
        });
        if (peak && Math.floor(peak.x / 8) === t.at.x && Math.floor(peak.y / 8) === t.at.y)
          peakOnObject++;
      }
    }
    expect(peakOnObject).toBe(8);
  });

  it('refuses tags of one kind only and sub-classes out of range', async () => {
    const onlyPresent = dataset(4, 3).map((d) => ({ ...d, present: true, subClass: 0 }));
    await expect(trainClassificationHead(onlyPresent, { subClasses: 1, seed: 1 })).rejects.toThrow(
      ClassificationHeadError,
    );
    const badSub = dataset(4, 3).map((d) => (d.present ? { ...d, subClass: 5 } : d));
    await expect(trainClassificationHead(badSub, { subClasses: 2, seed: 1 })).rejects.toThrow(
      /sub-class 5/,
    );
  });
});

describe('poolScores', () => {
  it('lies between the mean and the max, nearer the max when sharper', () => {
    const map = Float32Array.of(0, 0, 0, 4);
    const soft = poolScores(map, 1);
    const sharp = poolScores(map, 10);
    expect(soft).toBeGreaterThan(1);
    expect(sharp).toBeGreaterThan(soft);
    expect(sharp).toBeLessThan(4);
    expect(poolScores(Float32Array.of(2, 2, 2), 5)).toBeCloseTo(2, 6);
  });
});
