import { describe, expect, it } from 'vitest';
import {
  EventRecorder,
  type PendingEvent,
  type PendingEventStore,
  type RecordedEvent,
} from './event-recorder';

/** What IndexedDB does on the page, in memory: survives the recorder (a closed tab). */
function memoryStore(): PendingEventStore & { items: Map<string, PendingEvent> } {
  const items = new Map<string, PendingEvent>();
  return {
    items,
    load: async (projectId) => [...items.values()].filter((i) => i.projectId === projectId),
    save: async (events) => events.forEach((e) => items.set(e.event.clientEventId, e)),
    remove: async (ids) => ids.forEach((id) => items.delete(id)),
  };
}

function server() {
  const stored = new Map<string, { taskId: string; type: string }>();
  let down = false;
  const send = async (taskId: string, events: RecordedEvent[]) => {
    if (down) throw new Error('fetch failed');
    for (const e of events) stored.set(e.clientEventId, { taskId, type: e.type });
  };
  return { stored, send, setDown: (value: boolean) => (down = value) };
}

const options = { intervalMs: 60_000, maxBuffered: 3, backoffMs: 1000, maxBackoffMs: 4000 };

describe('EventRecorder', () => {
  it('batches per task, flushes when full, and forgets events once acknowledged', async () => {
    const sent: { taskId: string; types: string[] }[] = [];
    const store = memoryStore();
    const recorder = new EventRecorder(
      'p1',
      async (taskId, events) => void sent.push({ taskId, types: events.map((e) => e.type) }),
      store,
      () => undefined,
      options,
    );
    recorder.record('t1', { type: 'BOX' });
    recorder.record('t2', { type: 'IMAGE_OPENED' });
    expect(sent).toEqual([]);
    expect(store.items.size).toBe(2);
    expect(recorder.getStatus().pending).toBe(2);
    recorder.record('t1', { type: 'PROPOSAL_SHOWN', latencyMs: 40 });
    await recorder.flush();
    expect(sent).toEqual([
      { taskId: 't1', types: ['BOX', 'PROPOSAL_SHOWN'] },
      { taskId: 't2', types: ['IMAGE_OPENED'] },
    ]);
    expect(store.items.size).toBe(0);
    expect(recorder.getStatus()).toMatchObject({ pending: 0, failing: false });
    await recorder.stop();
  });

  it('keeps failed batches, backs off, and delivers each event once when the server is back', async () => {
    const remote = server();
    const recorder = new EventRecorder('p1', remote.send, memoryStore(), () => undefined, options);
    remote.setDown(true);
    const ids = [
      recorder.record('t1', { type: 'BOX' }),
      recorder.record('t1', { type: 'POSITIVE_POINT' }),
    ];
    await recorder.flush();
    const first = recorder.getStatus();
    expect(first).toMatchObject({ pending: 2, failing: true, lastError: 'fetch failed' });
    await recorder.flush();
    const second = recorder.getStatus();
    // 1 s, then 2 s, capped at 4 s.
    expect(second.retryAt! - Date.now()).toBeGreaterThan(1500);
    expect(second.retryAt! - Date.now()).toBeLessThanOrEqual(2000);
    remote.setDown(false);
    recorder.record('t1', { type: 'ACCEPT' });
    await recorder.flush();
    await recorder.flush(); // nothing left to send twice
    expect([...remote.stored.keys()]).toEqual([...ids, expect.any(String)]);
    expect(recorder.getStatus()).toMatchObject({ pending: 0, failing: false, lastError: null });
    await recorder.stop();
  });

  it('a reopened page sends what the earlier one left, for its own project only', async () => {
    const store = memoryStore();
    const remote = server();
    remote.setDown(true);
    const closed = new EventRecorder('p1', remote.send, store, () => undefined, options);
    const left = closed.record('t1', { type: 'BOX' });
    new EventRecorder('p2', remote.send, store, () => undefined, options).record('t9', {
      type: 'SKIP',
    });
    await closed.flush();
    // The tab closes: its recorder is gone, only the store remains.
    remote.setDown(false);
    const reopened = new EventRecorder('p1', remote.send, store, () => undefined, options);
    await reopened.start();
    expect([...remote.stored.entries()]).toEqual([[left, { taskId: 't1', type: 'BOX' }]]);
    expect([...store.items.values()].map((i) => i.projectId)).toEqual(['p2']);
    await reopened.stop();
  });

  it('drops and reports a batch the server refused for good, and hands everything to exitSend', async () => {
    const refused: number[] = [];
    const recorder = new EventRecorder(
      'p1',
      async () => {
        throw new Error('FORBIDDEN');
      },
      memoryStore(),
      (_error, dropped) => refused.push(dropped),
      { ...options, isPermanent: (e) => (e as Error).message === 'FORBIDDEN' },
    );
    recorder.record('t1', { type: 'ACCEPT' });
    recorder.record('t2', { type: 'BOX' });
    const exits: [string, number][] = [];
    recorder.flushOnExit((taskId, events) => exits.push([taskId, events.length]));
    expect(exits).toEqual([
      ['t1', 1],
      ['t2', 1],
    ]);
    await recorder.flush();
    expect(refused).toEqual([1, 1]);
    expect(recorder.getStatus()).toMatchObject({ pending: 0, failing: false });
    await recorder.stop();
  });
});
