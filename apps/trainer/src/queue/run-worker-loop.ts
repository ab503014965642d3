/**
 * The long-lived worker: take jobs one at a time; when idle, sleep for the poll interval and
 * now and then apply every project's training policy (which queues jobs).
 */
import { describeFailure } from '../errors';
import { processNextJob, type ProcessNextJobOptions } from './process-next-job';

export interface WorkerLoopOptions extends ProcessNextJobOptions {
  shutdown: AbortSignal;
  pollIntervalMs: number;
  policyIntervalMs: number;
  /** Queues jobs whose policy thresholds were reached. Errors are logged, not fatal. */
  applyPolicy?: () => Promise<void>;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

export async function runWorkerLoop(options: WorkerLoopOptions): Promise<void> {
  const log = options.log ?? (() => {});
  let lastPolicyAt = Number.NEGATIVE_INFINITY;
  while (!options.shutdown.aborted) {
    if (options.applyPolicy && Date.now() - lastPolicyAt >= options.policyIntervalMs) {
      lastPolicyAt = Date.now();
      try {
        await options.applyPolicy();
      } catch (error) {
        log(`training policy check failed: ${describeFailure(error)}`);
      }
    }
    let outcome;
    try {
      outcome = await processNextJob(options);
    } catch (error) {
      // The queue itself failed (database down): wait and try again rather than exit.
      log(`job queue error: ${describeFailure(error)}`);
      await sleep(options.pollIntervalMs, options.shutdown);
      continue;
    }
    if (outcome.status === 'idle') await sleep(options.pollIntervalMs, options.shutdown);
  }
}
