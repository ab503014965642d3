/**
 * Buffers interaction events and sends them in batches (every few seconds, when the buffer fills,
 * and before accept/submit) so recording never slows the annotator down.
 */
import type { InteractionEventInput } from '@loupe/contracts';

/** An event as events.record takes it (@loupe/contracts), stamped with the page's clock. */
export type RecordedEvent = InteractionEventInput & { clientTime: Date };

export type SendEvents = (taskId: string, events: RecordedEvent[]) => Promise<unknown>;

export class EventRecorder {
  private buffer: { taskId: string; event: RecordedEvent }[] = [];
  private timer: ReturnType<typeof setInterval> | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly send: SendEvents,
    private readonly onError: (error: unknown) => void,
    private readonly options = { intervalMs: 3000, maxBuffered: 100 },
  ) {}

  start(): void {
    this.timer ??= setInterval(() => void this.flush(), this.options.intervalMs);
  }

  stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    return this.flush();
  }

  record(taskId: string, event: Omit<RecordedEvent, 'clientTime'> & { clientTime?: Date }): void {
    this.buffer.push({ taskId, event: { ...event, clientTime: event.clientTime ?? new Date() } });
    if (this.buffer.length >= this.options.maxBuffered) void this.flush();
  }

  /** Sends everything buffered, grouped per task; failed batches are reported, not retried forever. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      if (this.buffer.length === 0) return;
      const batch = this.buffer;
      this.buffer = [];
      const byTask = new Map<string, RecordedEvent[]>();
      for (const { taskId, event } of batch)
        byTask.set(taskId, [...(byTask.get(taskId) ?? []), event]);
      for (const [taskId, events] of byTask) {
        try {
          await this.send(taskId, events);
        } catch (error) {
          this.onError(error);
        }
      }
    });
    return this.flushing;
  }
}
