/**
 * One-shot commands queue a job like the web does, then work the queue in this process until that
 * job is done (another worker may take it first; then this just waits for its outcome).
 */
import type { Db } from '@loupe/db';
import { processNextJob, type JobHandlers } from '../queue/process-next-job';
import type { JobQueue } from '../queue/job-queue';

export interface JobResult {
  status: 'SUCCEEDED' | 'FAILED' | 'QUEUED' | 'RUNNING';
  lastError: string | null;
}

export async function runJobToCompletion(
  db: Db,
  jobId: string,
  worker: {
    queue: JobQueue;
    handlers: JobHandlers;
    workerId: string;
    lockSeconds: number;
    pollIntervalMs: number;
    shutdown: AbortSignal;
    log: (line: string) => void;
  },
): Promise<JobResult> {
  for (;;) {
    const job = await db.job.findUniqueOrThrow({
      where: { id: jobId },
      select: { status: true, lastError: true },
    });
    if (job.status === 'SUCCEEDED' || job.status === 'FAILED' || worker.shutdown.aborted)
      return job;
    const outcome = await processNextJob(worker);
    if (outcome.status === 'idle')
      await new Promise((done) => setTimeout(done, worker.pollIntervalMs));
  }
}
