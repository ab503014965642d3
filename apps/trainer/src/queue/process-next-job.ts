/**
 * Claims one job, runs its handler under a heartbeat, and records the outcome. A handler that
 * throws fails the job with a recorded reason; the worker itself never dies of a job's error.
 */
import { TrainerError, describeFailure, isTrainerError } from '../errors';
import type { JobQueue, QueuedJob } from './job-queue';

export interface JobContext {
  job: QueuedJob;
  workerId: string;
  /** Aborted when the worker shuts down or loses the job's lease: stop soon, keep a checkpoint. */
  signal: AbortSignal;
}

export type JobHandler = (context: JobContext) => Promise<void>;
export type JobHandlers = Readonly<Record<string, JobHandler>>;

export interface ProcessNextJobOptions {
  queue: JobQueue;
  handlers: JobHandlers;
  workerId: string;
  lockSeconds: number;
  /** Aborting this (shutdown) aborts the running job's signal too. */
  shutdown?: AbortSignal;
  log?: (line: string) => void;
}

export type JobOutcome =
  | { status: 'idle' }
  | { status: 'succeeded'; job: QueuedJob }
  | { status: 'failed'; job: QueuedJob; reason: string; retry: boolean };

export async function processNextJob(options: ProcessNextJobOptions): Promise<JobOutcome> {
  const { queue, handlers, workerId, lockSeconds } = options;
  const log = options.log ?? (() => {});
  const job = await queue.claim(workerId, lockSeconds);
  if (!job) return { status: 'idle' };

  const controller = new AbortController();
  const onShutdown = () =>
    controller.abort(new TrainerError('SHUTDOWN', 'the trainer is shutting down'));
  if (options.shutdown?.aborted) onShutdown();
  options.shutdown?.addEventListener('abort', onShutdown, { once: true });

  let heartbeatFailure: unknown = null;
  // Renew the lease well before it lapses; training blocks the event loop between steps only.
  const heartbeat = setInterval(
    () => {
      queue.heartbeat(job.id, workerId, lockSeconds).then(
        (held) => {
          if (!held)
            controller.abort(
              new TrainerError('LOST_LEASE', `job ${job.id} was claimed by another worker`),
            );
        },
        (error: unknown) => {
          heartbeatFailure = error;
        },
      );
    },
    Math.max(250, (lockSeconds * 1000) / 3),
  );

  log(`job ${job.id} (${job.type}) claimed, attempt ${job.attempts}/${job.maxAttempts}`);
  try {
    const handler = handlers[job.type];
    if (!handler) throw new TrainerError('INVALID_JOB', `no handler for job type "${job.type}"`);
    await handler({ job, workerId, signal: controller.signal });
    if (controller.signal.aborted) throw controller.signal.reason;
    await queue.complete(job.id, workerId);
    log(`job ${job.id} (${job.type}) succeeded`);
    return { status: 'succeeded', job };
  } catch (error) {
    const reason = describeFailure(error);
    if (isTrainerError(error) && error.code === 'LOST_LEASE') {
      // Another worker owns the job now; recording a failure would overwrite its state.
      log(`job ${job.id} (${job.type}) abandoned: ${reason}`);
      return { status: 'failed', job, reason, retry: true };
    }
    const retry = !(isTrainerError(error) && error.permanent);
    await queue.fail(job.id, workerId, reason, retry);
    log(`job ${job.id} (${job.type}) failed${retry ? '' : ' permanently'}: ${reason}`);
    if (heartbeatFailure)
      log(`job ${job.id}: heartbeat also failed: ${describeFailure(heartbeatFailure)}`);
    return { status: 'failed', job, reason, retry };
  } finally {
    clearInterval(heartbeat);
    options.shutdown?.removeEventListener('abort', onShutdown);
  }
}
