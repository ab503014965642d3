/**
 * Keeps interaction events until the server acknowledges them. Events are batched (every few
 * seconds, when many are waiting, and before accept/submit), kept in memory and in a durable
 * store (IndexedDB on the page: pending-event-store.ts) until a batch is acknowledged, and retried
 * with a growing backoff while the server is unreachable. Each event carries a client id, so the
 * server stores it once however often it is sent. When the page is hidden or closed, everything
 * waiting goes out with `exitSend` (fetch keepalive) and stays in the store: the next page on this
 * project sends it again and the server skips what it already has.
 */
import type { InteractionEventInput } from '@loupe/contracts';
import { MAX_EVENTS_PER_BATCH } from '@loupe/contracts';

/** An event as events.record takes it (@loupe/contracts), stamped with its id and the page's clock. */
export type RecordedEvent = InteractionEventInput & { clientEventId: string; clientTime: Date };

export interface PendingEvent {
  projectId: string;
  taskId: string;
  event: RecordedEvent;
}

/** Where unsent events survive a closed tab (IndexedDB on the page, memory in tests). */
export interface PendingEventStore {
  load(projectId: string): Promise<PendingEvent[]>;
  save(events: PendingEvent[]): Promise<void>;
  remove(clientEventIds: string[]): Promise<void>;
}

export type SendEvents = (taskId: string, events: RecordedEvent[]) => Promise<unknown>;

export interface EventSyncStatus {
  /** Events recorded and not yet acknowledged by the server. */
  pending: number;
  /** The last attempt failed; the next one is due at `retryAt` (ms since epoch). */
  failing: boolean;
  retryAt: number | null;
  lastError: string | null;
}

export interface EventRecorderOptions {
  intervalMs: number;
  maxBuffered: number;
  /** First retry delay after a failure; doubles per failure up to maxBackoffMs. */
  backoffMs: number;
  maxBackoffMs: number;
  /** A refusal that no retry can fix (bad input, not allowed): the batch is dropped and reported. */
  isPermanent: (error: unknown) => boolean;
}

const DEFAULTS: EventRecorderOptions = {
  intervalMs: 3000,
  maxBuffered: 100,
  backoffMs: 1000,
  maxBackoffMs: 30_000,
  isPermanent: () => false,
};

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class EventRecorder {
  /** Unacknowledged events by client id, in the order they were recorded. */
  private readonly pending = new Map<string, PendingEvent>();
  private readonly inFlight = new Set<string>();
  private readonly listeners = new Set<() => void>();
  private readonly options: EventRecorderOptions;
  private timer: ReturnType<typeof setInterval> | null = null;
  private flushing: Promise<void> = Promise.resolve();
  private failures = 0;
  /** When the timer sends next: an interval after the last flush, or after the backoff. */
  private nextFlushAt = 0;
  private status: EventSyncStatus = { pending: 0, failing: false, retryAt: null, lastError: null };

  constructor(
    private readonly projectId: string,
    private readonly send: SendEvents,
    private readonly store: PendingEventStore | null,
    /** Called for batches the server refused for good (they are dropped). */
    private readonly onRefused: (error: unknown, dropped: number) => void,
    options: Partial<EventRecorderOptions> = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
  }

  /** Starts the periodic flush and picks up what an earlier page left unsent. */
  async start(): Promise<void> {
    this.nextFlushAt = Date.now() + this.options.intervalMs;
    this.timer ??= setInterval(
      () => {
        if (Date.now() >= this.nextFlushAt) void this.flush();
      },
      Math.min(this.options.intervalMs, this.options.backoffMs),
    );
    if (!this.store) return;
    try {
      for (const left of await this.store.load(this.projectId))
        if (!this.pending.has(left.event.clientEventId))
          this.pending.set(left.event.clientEventId, left);
      this.update({});
    } catch (error) {
      this.update({ lastError: `could not read unsent events: ${describeError(error)}` });
    }
    if (this.pending.size) await this.flush();
  }

  stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    return this.flush();
  }

  record(
    taskId: string,
    event: Omit<RecordedEvent, 'clientTime' | 'clientEventId'> & { clientTime?: Date },
  ): string {
    const item: PendingEvent = {
      projectId: this.projectId,
      taskId,
      event: {
        ...event,
        clientEventId: crypto.randomUUID(),
        clientTime: event.clientTime ?? new Date(),
      },
    };
    this.pending.set(item.event.clientEventId, item);
    this.persist(this.store?.save([item]));
    this.update({});
    if (this.unsent().length >= this.options.maxBuffered) void this.flush();
    return item.event.clientEventId;
  }

  getStatus = (): EventSyncStatus => this.status;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /**
   * Sends everything waiting, per task, in batches; resolves once every batch was answered (or
   * failed). Failed batches stay pending and are retried after the backoff.
   */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      this.nextFlushAt = Date.now() + this.options.intervalMs;
      for (const [taskId, items] of this.byTask(this.unsent())) {
        for (let i = 0; i < items.length; i += MAX_EVENTS_PER_BATCH) {
          const batch = items.slice(i, i + MAX_EVENTS_PER_BATCH);
          const ids = batch.map((item) => item.event.clientEventId);
          ids.forEach((id) => this.inFlight.add(id));
          try {
            await this.send(
              taskId,
              batch.map((item) => item.event),
            );
            this.acknowledge(ids);
            this.failures = 0;
            this.update({ failing: false, retryAt: null, lastError: null });
          } catch (error) {
            if (this.options.isPermanent(error)) {
              this.acknowledge(ids);
              this.onRefused(error, ids.length);
              continue;
            }
            this.failures += 1;
            const delay = Math.min(
              this.options.backoffMs * 2 ** (this.failures - 1),
              this.options.maxBackoffMs,
            );
            this.nextFlushAt = Date.now() + delay;
            this.update({
              failing: true,
              retryAt: this.nextFlushAt,
              lastError: describeError(error),
            });
            return; // the server is unreachable: the rest waits for the retry too
          } finally {
            ids.forEach((id) => this.inFlight.delete(id));
          }
        }
      }
    });
    return this.flushing;
  }

  /**
   * The page is being hidden or closed: hand everything waiting to `exitSend` (fetch keepalive),
   * synchronously. Nothing is forgotten here; what the server got is skipped when sent again.
   */
  flushOnExit(exitSend: (taskId: string, events: RecordedEvent[]) => void): void {
    for (const [taskId, items] of this.byTask([...this.pending.values()]))
      exitSend(
        taskId,
        items.map((item) => item.event),
      );
  }

  private unsent(): PendingEvent[] {
    return [...this.pending.values()].filter(
      (item) => !this.inFlight.has(item.event.clientEventId),
    );
  }

  private byTask(items: PendingEvent[]): Map<string, PendingEvent[]> {
    const byTask = new Map<string, PendingEvent[]>();
    for (const item of items) byTask.set(item.taskId, [...(byTask.get(item.taskId) ?? []), item]);
    return byTask;
  }

  private acknowledge(ids: string[]): void {
    ids.forEach((id) => this.pending.delete(id));
    this.persist(this.store?.remove(ids));
    this.update({});
  }

  /** A store write that fails leaves the events in memory (still sent); the status says so. */
  private persist(write: Promise<void> | undefined): void {
    write?.catch((error: unknown) =>
      this.update({ lastError: `could not keep unsent events: ${describeError(error)}` }),
    );
  }

  private update(patch: Partial<EventSyncStatus>): void {
    this.status = { ...this.status, ...patch, pending: this.pending.size };
    this.listeners.forEach((listener) => listener());
  }
}
