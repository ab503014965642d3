import { describe, expect, it } from 'vitest';
import { EventRecorder, type RecordedEvent } from './event-recorder';

describe('EventRecorder', () => {
  it('batches per task, flushes when full, and reports (does not swallow) send failures', async () => {
    const sent: { taskId: string; types: string[] }[] = [];
    const errors: unknown[] = [];
    let fail = false;
    const recorder = new EventRecorder(
      async (taskId: string, events: RecordedEvent[]) => {
        if (fail) throw new Error('offline');
        sent.push({ taskId, types: events.map((e) => e.type) });
      },
      (error) => errors.push(error),
      { intervalMs: 60_000, maxBuffered: 3 },
    );
    recorder.record('t1', { type: 'BOX' });
    recorder.record('t2', { type: 'IMAGE_OPENED' });
    expect(sent).toEqual([]);
    recorder.record('t1', { type: 'PROPOSAL_SHOWN', latencyMs: 40 });
    await recorder.flush();
    expect(sent).toEqual([
      { taskId: 't1', types: ['BOX', 'PROPOSAL_SHOWN'] },
      { taskId: 't2', types: ['IMAGE_OPENED'] },
    ]);
    fail = true;
    recorder.record('t1', { type: 'ACCEPT' });
    await recorder.flush();
    expect(errors).toHaveLength(1);
    await recorder.stop();
  });
});
