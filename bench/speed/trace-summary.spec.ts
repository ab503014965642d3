import { describe, expect, it } from 'vitest';
import { summarizeTrace } from './trace-summary';

const meta = (tid: number, name: string) => ({
  name: 'thread_name',
  ph: 'M',
  ts: 0,
  pid: 7,
  tid,
  args: { name },
});

describe('summarizeTrace', () => {
  it('splits busy time and events per thread and pairs the page spans, per interaction', () => {
    const trace = {
      traceEvents: [
        meta(1, 'CrRendererMain'),
        meta(2, 'DedicatedWorker thread'),
        // Main: two top-level tasks (one nested inside the other counts once), 3 ms + 1 ms.
        { name: 'RunTask', cat: 'toplevel', ph: 'X', ts: 1000, dur: 3000, pid: 7, tid: 1 },
        { name: 'RunTask', cat: 'toplevel', ph: 'X', ts: 1500, dur: 1000, pid: 7, tid: 1 },
        { name: 'RunTask', cat: 'toplevel', ph: 'X', ts: 9000, dur: 1000, pid: 7, tid: 1 },
        {
          name: 'FunctionCall',
          cat: 'devtools.timeline',
          ph: 'X',
          ts: 1000,
          dur: 2000,
          pid: 7,
          tid: 1,
        },
        // Worker: one 6 ms task.
        { name: 'RunTask', cat: 'toplevel', ph: 'X', ts: 2000, dur: 6000, pid: 7, tid: 2 },
        // Spans: loupe.click 4 ms on main, loupe.worker.decoder 2 ms on the worker.
        {
          name: 'loupe.click',
          cat: 'blink.user_timing',
          ph: 'b',
          ts: 1000,
          pid: 7,
          tid: 1,
          id: '0x1',
        },
        {
          name: 'loupe.click',
          cat: 'blink.user_timing',
          ph: 'e',
          ts: 5000,
          pid: 7,
          tid: 1,
          id: '0x1',
        },
        {
          name: 'loupe.worker.decoder',
          cat: 'blink.user_timing',
          ph: 'b',
          ts: 3000,
          pid: 7,
          tid: 2,
          id2: { local: '0x2' },
        },
        {
          name: 'loupe.worker.decoder',
          cat: 'blink.user_timing',
          ph: 'e',
          ts: 5000,
          pid: 7,
          tid: 2,
          id2: { local: '0x2' },
        },
      ],
    };
    const summary = summarizeTrace(trace, 2);
    expect(summary.mainThread?.busyMsPerInteraction).toBe(2); // (3 + 1) ms / 2
    expect(summary.mainThread?.eventsMsPerInteraction['FunctionCall']).toBe(1);
    expect(summary.worker?.busyMsPerInteraction).toBe(3);
    expect(summary.userTiming['loupe.click']).toEqual({ n: 1, p50Ms: 4, meanMs: 4 });
    expect(summary.userTiming['loupe.worker.decoder']).toEqual({ n: 1, p50Ms: 2, meanMs: 2 });
    expect(summary.spanSeconds).toBe(0.01);
  });
});
