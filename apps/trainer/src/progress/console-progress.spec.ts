import { describe, expect, it } from 'vitest';
import { ConsoleProgress } from './console-progress';
import type { ProgressSnapshot } from './training-progress';

function snapshot(step: number, epoch: number): ProgressSnapshot {
  return {
    step,
    totalSteps: 10,
    epoch,
    totalEpochs: 2,
    progress: step / 10,
    etaSeconds: 65,
    lossHistory: [],
    heartbeatAt: new Date(0),
  };
}

describe('ConsoleProgress', () => {
  it('redraws one bar line on a TTY', () => {
    const writes: string[] = [];
    const progress = new ConsoleProgress(
      { isTTY: true, columns: 120, write: (t) => writes.push(t) },
      'finetune',
    );
    progress.show(snapshot(5, 0), { step: 5, epoch: 0, loss: 0.25, t: 1 });
    progress.finish();
    expect(writes[0]).toMatch(
      /^\r\[#+-+\] finetune epoch 1\/2 step 5\/10  50\.0% loss 0\.2500 eta 01:05/,
    );
    expect(writes[1]).toBe('\n');
  });

  it('prints throttled plain lines when not a TTY, always the last step', () => {
    const writes: string[] = [];
    let now = 0;
    const progress = new ConsoleProgress({ write: (t) => writes.push(t) }, 'finetune', {
      lineIntervalMs: 1000,
      now: () => now,
    });
    for (let step = 1; step <= 10; step++) {
      now += 100;
      progress.show(snapshot(step, 0), { step, epoch: 0, loss: 1, t: 0 });
    }
    // step 1 (first line), nothing for the next 0.8 s, then step 10 because it is the last
    expect(writes.map((w) => w.match(/step (\d+)\//)?.[1])).toEqual(['1', '10']);
    expect(writes.every((w) => w.endsWith('\n') && !w.includes('\r'))).toBe(true);
  });
});
