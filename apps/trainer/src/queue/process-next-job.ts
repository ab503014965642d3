/**
 * Claims one job, checks its kind and payload against @loupe/contracts, runs its handler under a
 * heartbeat, and records the outcome. A malformed job fails for good with the field named; a
 * handler that throws fails the job with a recorded reason; the worker never dies of a job's error.
 */
import {
  isContractError,
  parseClaimedJob,
  type ClaimedJob,
  type ClaimedJobRow,
  type JobKind,
} from '@loupe/contracts';
import { TrainerError, describeFailure, isTrainerError } from '../errors';
import type { JobQueue } from './job-queue';

/** What a handler gets: the job of its kind, checked (JobContext<'a' | 'b'> is either one). */
export type JobContext<K extends JobKind = JobKind> = K extends JobKind
  ? {
      job: ClaimedJob<K>;
      workerId: string;
      /** Aborted when the worker shuts down or loses the job's lease: stop soon, keep a checkpoint. */
      signal: AbortSignal;
    }
  : never;

export type JobHandler<K extends JobKind = JobKind> = (context: JobContext<K>) => Promise<void>;
/** What runs each kind this worker takes (a kind without a handler fails with that reason). */
export type JobHandlers = { readonly [K in JobKind]?: JobHandler<K> };

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
  | { status: 'succeeded'; job: ClaimedJobRow }
  | { status: 'failed'; job: ClaimedJobRow; reason: string; retry: boolean };

/** The job with its payload checked; a malformed one is a permanent INVALID_JOB failure. */
function checkJob(row: ClaimedJobRow): ClaimedJob {
  try {
    return parseClaimedJob(row);
  } catch (error) {
    if (isContractError(error))
      throw new TrainerError('INVALID_JOB', error.message, { cause: error });
    throw error;
  }
}

/** The handler of the job's kind; `handlers[k]` takes JobContext<k>, which the job is. */
function handlerFor(
  handlers: JobHandlers,
  job: ClaimedJob,
): ((context: JobContext) => Promise<void>) | undefined {
  return handlers[job.type] as ((context: JobContext) => Promise<void>) | undefined;
}

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
    const checked = checkJob(job);
    const handler = handlerFor(handlers, checked);
    if (!handler) throw new TrainerError('INVALID_JOB', `no handler for job type "${job.type}"`);
    await handler({ job: checked, workerId, signal: controller.signal } as JobContext);
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
