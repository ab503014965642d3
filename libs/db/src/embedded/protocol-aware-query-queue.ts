import type { PGlite } from '@electric-sql/pglite';

/**
 * The query queue PGlite's socket server uses to share one database between many client
 * connections, fixed to respect the Postgres extended-query protocol.
 *
 * pglite-socket 0.2.17 queues each protocol *message* on its own, so between one client's Parse and
 * its Bind/Execute another client's messages can run. Both use the unnamed statement and portal,
 * so clients under load got "portal does not exist", "bind message supplies 4 parameters, but
 * prepared statement requires 3", or another query's rows. Here a client that starts an
 * extended-query cycle (Parse/Bind/Describe/Execute/Close/Flush) owns the database until its Sync,
 * and (as before) a client inside a transaction owns it until the transaction ends.
 */
interface QueuedMessage {
  handlerId: number;
  message: Uint8Array;
  onData: (data: Uint8Array) => void;
  resolve: (bytes: number) => void;
  reject: (error: unknown) => void;
}

/** Frontend message type bytes that belong to an extended-query cycle, which Sync ('S') ends. */
const EXTENDED_QUERY_MESSAGES = new Set(['P', 'B', 'D', 'E', 'C', 'H'].map((c) => c.charCodeAt(0)));
const SYNC = 'S'.charCodeAt(0);

export class ProtocolAwareQueryQueue {
  private queue: QueuedMessage[] = [];
  private processing = false;
  /** Handler in the middle of an extended-query cycle (until its Sync). */
  private cycleOwner: number | null = null;
  /** Handler whose message ran last; owns the database while a transaction is open. */
  private lastHandlerId: number | null = null;

  constructor(private readonly db: PGlite) {}

  enqueue(
    handlerId: number,
    message: Uint8Array,
    onData: (data: Uint8Array) => void,
  ): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      this.queue.push({ handlerId, message, onData, resolve, reject });
      void this.processQueue();
    });
  }

  getQueueLength(): number {
    return this.queue.length;
  }

  clearQueueForHandler(handlerId: number): void {
    this.queue = this.queue.filter((item) => {
      if (item.handlerId !== handlerId) return true;
      item.reject(new Error('Handler disconnected'));
      return false;
    });
    if (this.cycleOwner === handlerId) this.cycleOwner = null;
  }

  async clearTransactionIfNeeded(handlerId: number): Promise<void> {
    if (this.db.isInTransaction() && this.lastHandlerId === handlerId) {
      await this.db.exec('ROLLBACK');
      this.lastHandlerId = null;
    }
    if (this.cycleOwner === handlerId) this.cycleOwner = null;
    await this.processQueue();
  }

  /** Whose message may run next: the cycle owner, else the open transaction's owner, else anyone. */
  private nextIndex(): number {
    const owner = this.cycleOwner ?? (this.db.isInTransaction() ? this.lastHandlerId : null);
    if (owner === null) return this.queue.length > 0 ? 0 : -1;
    // The owner's next message may not have arrived yet: wait for it rather than interleave.
    return this.queue.findIndex((item) => item.handlerId === owner);
  }

  private async processQueue(): Promise<void> {
    if (this.processing) return;
    this.processing = true;
    try {
      for (let index = this.nextIndex(); index !== -1; index = this.nextIndex()) {
        const [item] = this.queue.splice(index, 1);
        if (!item) break;
        const type = item.message[0] ?? 0;
        if (EXTENDED_QUERY_MESSAGES.has(type)) this.cycleOwner = item.handlerId;
        else if (type === SYNC || this.cycleOwner === item.handlerId) this.cycleOwner = null;
        let bytes = 0;
        try {
          await this.db.runExclusive(() =>
            this.db.execProtocolRawStream(item.message, {
              onRawData: (data) => {
                bytes += data.length;
                item.onData(data);
              },
            }),
          );
        } catch (error) {
          // Postgres reports query errors in-band; a throw here is a broken message or engine.
          this.cycleOwner = null;
          item.reject(error);
          continue;
        }
        this.lastHandlerId = item.handlerId;
        item.resolve(bytes);
      }
    } finally {
      this.processing = false;
    }
  }
}
