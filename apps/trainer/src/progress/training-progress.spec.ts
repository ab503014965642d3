import { describe, expect, it } from 'vitest';
import {
  TrainingProgress,
  thinLossHistory,
  type LossPoint,
  type ProgressSnapshot,
} from './training-progress';

function makeClock() {
  let t = 0;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('TrainingProgress', () => {
  it('throttles writes but always writes epoch changes and the last step', async () => {
    const clock = makeClock();
    const writes: ProgressSnapshot[] = [];
    const progress = new TrainingProgress(
      { write: async (s) => void writes.push(s) },
      { intervalMs: 2000, now: clock.now },
    );
    for (let step = 1; step <= 10; step++) {
      clock.advance(500);
      await progress.record({
        step,
        totalSteps: 10,
        epoch: step <= 5 ? 0 : 1,
        totalEpochs: 2,
        loss: 1 / step,
      });
    }
    // step 1 (first), step 5 (2 s later), step 6 (epoch 1), step 10 (last)
    expect(writes.map((w) => w.step)).toEqual([1, 5, 6, 10]);
    expect(writes.at(-1)?.progress).toBe(1);
    expect(writes.at(-1)?.lossHistory).toHaveLength(10);
  });

  it('estimates the remaining time from this process’s own speed', async () => {
    const clock = makeClock();
    let last: ProgressSnapshot | undefined;
    const progress = new TrainingProgress(
      { write: async (s) => void (last = s) },
      { intervalMs: 0, now: clock.now, startStep: 50 },
    );
    clock.advance(10_000);
    await progress.record({ step: 60, totalSteps: 100, epoch: 0, totalEpochs: 1, loss: 0.5 });
    // 10 steps in 10 s, 40 to go
    expect(last?.etaSeconds).toBeCloseTo(40, 6);
  });

  it('thins a long history to the cap, keeping the last point', () => {
    const points: LossPoint[] = Array.from({ length: 1000 }, (_, i) => ({
      step: i,
      epoch: 0,
      loss: i,
      t: i,
    }));
    const thinned = thinLossHistory(points, 100);
    expect(thinned).toHaveLength(100);
    expect(thinned.at(-1)?.step).toBe(999);
    expect(thinned[0]?.step).toBe(0);
  });
});
