/** Worker wrapper around measureTfjsLatency (a fresh worker per thread count). */
import type { LatencyRequest, WorkerReply } from './protocol';
import { measureTfjsLatency } from './tfjs-latency';

self.onmessage = (event: MessageEvent<LatencyRequest>) => {
  measureTfjsLatency(event.data).then(
    (samples) => self.postMessage({ ok: true, samples } satisfies WorkerReply),
    (error: unknown) =>
      self.postMessage({
        ok: false,
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      } satisfies WorkerReply),
  );
};
