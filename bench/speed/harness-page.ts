/**
 * The speed harness page: `window.runLatency(request)` starts a fresh worker for the request's
 * engine, waits for its samples and terminates it. Playwright calls it once per configuration.
 * `window.runPropagation(request)` does the same for the volume bench's propagation timing.
 */
import type {
  CpuQuery,
  LatencyRequest,
  LatencySamples,
  PropagationReply,
  PropagationRequest,
  PropagationTiming,
  WorkerReply,
} from './protocol';
import { measureTfjsLatency } from './tfjs-latency';

const workerScript: Record<LatencyRequest['engine'], string> = {
  'ort-web': '/ort-latency-worker.js',
  'tfjs-wasm': '/tfjs-latency-worker.js',
};

function runLatency(request: LatencyRequest): Promise<LatencySamples> {
  // tfjs-wasm on the page itself: its thread pool may start where a worker's cannot.
  if (request.engine === 'tfjs-wasm' && request.onPage) return measureTfjsLatency(request);
  const worker = new Worker(workerScript[request.engine], { type: 'module' });
  return new Promise<LatencySamples>((resolve, reject) => {
    worker.onmessage = (event: MessageEvent<WorkerReply>) => {
      worker.terminate();
      if (event.data.ok) resolve(event.data.samples);
      else reject(new Error(`${request.engine} worker: ${event.data.error}`));
    };
    worker.onerror = (event) => {
      worker.terminate();
      reject(new Error(`${request.engine} worker failed to start: ${event.message}`));
    };
    worker.postMessage(request);
  });
}

/** The volume bench's propagation timing, in a fresh worker (ort-propagation-worker.ts). */
function runPropagation(request: PropagationRequest): Promise<PropagationTiming> {
  const worker = new Worker('/ort-propagation-worker.js', { type: 'module' });
  return new Promise<PropagationTiming>((resolve, reject) => {
    worker.onmessage = (event: MessageEvent<PropagationReply>) => {
      const data = event.data;
      if ('cpu' in data) {
        // The bench exposes benchCpuMs (Chromium's CPU time from /proc) where it can read it.
        const read = (globalThis as { benchCpuMs?: () => Promise<number | null> }).benchCpuMs;
        void (read ? read() : Promise.resolve(null)).then((ms) =>
          worker.postMessage({ cpu: data.cpu, ms } satisfies CpuQuery),
        );
        return;
      }
      worker.terminate();
      if (data.ok) resolve(data.timing);
      else reject(new Error(`propagation worker: ${data.error}`));
    };
    worker.onerror = (event) => {
      worker.terminate();
      reject(new Error(`propagation worker failed to start: ${event.message}`));
    };
    worker.postMessage(request);
  });
}

(globalThis as { runLatency?: typeof runLatency }).runLatency = runLatency;
(globalThis as { runPropagation?: typeof runPropagation }).runPropagation = runPropagation;
document.body.dataset['ready'] = 'true';
