import { describe, expect, it } from 'vitest';
import {
  minePromptedMasks,
  promptAffinity,
  randomWalkRefine,
  type PromptedMask,
} from './prompt-affinity-mining';

/** A square object [4, 12) x [4, 12) in a 16 x 16 image. */
function squareMask(): PromptedMask {
  const probabilities = new Float32Array(16 * 16);
  for (let y = 4; y < 12; y++) for (let x = 4; x < 12; x++) probabilities[y * 16 + x] = 1;
  return { peak: { x: 8, y: 8, value: 1 }, probabilities, iouPrediction: 0.9 };
}

describe('minePromptedMasks', () => {
  it('prompts once per peak, in order, keeping the peak', async () => {
    const seen: number[] = [];
    const masks = await minePromptedMasks(
      [
        { x: 1, y: 2, value: 0.9 },
        { x: 3, y: 4, value: 0.6 },
      ],
      async (peak) => {
        seen.push(peak.x);
        return { probabilities: new Float32Array(4), iouPrediction: peak.value };
      },
    );
    expect(seen).toEqual([1, 3]);
    expect(masks.map((m) => m.iouPrediction)).toEqual([0.9, 0.6]);
  });
});

describe('promptAffinity', () => {
  it('cuts edges across a prompted mask boundary and keeps those inside or outside', () => {
    const graph = promptAffinity([squareMask()], 16, 16, { stride: 2, radius: 1, beta: 8 });
    expect(graph.width).toBe(8);
    const weight = (i: number, j: number) => {
      for (let e = graph.start[i] as number; e < (graph.start[i + 1] as number); e++)
        if (graph.neighbours[e] === j) return graph.weights[e];
      return undefined;
    };
    const node = (x: number, y: number) => y * 8 + x;
    expect(weight(node(3, 3), node(4, 3))).toBe(1); // both inside
    expect(weight(node(0, 0), node(1, 0))).toBe(1); // both outside
    expect(weight(node(1, 3), node(2, 3))).toBe(0); // across the boundary
    expect(weight(node(0, 0), node(3, 3))).toBeUndefined(); // beyond the radius
    expect(weight(node(5, 5), node(5, 5))).toBe(1); // self loop
  });

  it('refuses masks of another image size', () => {
    const mask = { ...squareMask(), probabilities: new Float32Array(10) };
    expect(() => promptAffinity([mask], 16, 16, { stride: 2, radius: 1, beta: 8 })).toThrow(
      /expected 16x16/,
    );
  });
});

describe('randomWalkRefine', () => {
  it('spreads activation inside the prompted object and not beyond it', () => {
    const graph = promptAffinity([squareMask()], 16, 16, { stride: 2, radius: 2, beta: 8 });
    const values = new Float32Array(64);
    values[3 * 8 + 3] = 1; // one hot cell inside the object, as a coarse CAM peak
    const refined = randomWalkRefine({ width: 8, height: 8, stride: 2, values }, graph, 30);
    const inside: number[] = [];
    const outside: number[] = [];
    for (let y = 0; y < 8; y++)
      for (let x = 0; x < 8; x++)
        (x >= 2 && x < 6 && y >= 2 && y < 6 ? inside : outside).push(
          refined.values[y * 8 + x] as number,
        );
    expect(Math.min(...inside)).toBeGreaterThan(0.03);
    expect(Math.max(...outside)).toBe(0);
    // Averaging inside the object evens it out.
    expect(Math.max(...inside) / Math.min(...inside)).toBeLessThan(1.5);
  });

  it('leaves a constant map unchanged and refuses a map of another grid', () => {
    const graph = promptAffinity([squareMask()], 16, 16, { stride: 2, radius: 1, beta: 8 });
    const constant = { width: 8, height: 8, stride: 2, values: new Float32Array(64).fill(0.4) };
    const refined = randomWalkRefine(constant, graph, 5);
    for (const v of refined.values) expect(v).toBeCloseTo(0.4, 5);
    expect(() =>
      randomWalkRefine({ width: 4, height: 4, stride: 4, values: new Float32Array(16) }, graph, 1),
    ).toThrow(/4x4/);
  });
});
