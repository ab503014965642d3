/**
 * What the worker needs from the Postgres job queue. The implementation (libs/db's Job functions)
 * is wired in `queue/create-db-job-queue.ts`; the worker loop only sees this interface.
 */
import type { ClaimedJobRow } from '@loupe/contracts';

export interface JobQueue {
  /**
   * Claims the next runnable job (FOR UPDATE SKIP LOCKED), or a running one whose lease lapsed.
   * The row is as stored; processNextJob checks its kind and payload before running it.
   */
  claim(workerId: string, lockSeconds: number): Promise<ClaimedJobRow | null>;
  /** Extends the lease; false when this worker no longer holds the job. */
  heartbeat(jobId: string, workerId: string, lockSeconds: number): Promise<boolean>;
  complete(jobId: string, workerId: string): Promise<void>;
  /** Records the reason; `retry` false fails the job for good even if attempts remain. */
  fail(jobId: string, workerId: string, reason: string, retry: boolean): Promise<void>;
}
