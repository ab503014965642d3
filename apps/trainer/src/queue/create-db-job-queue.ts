/**
 * The worker's JobQueue over libs/db's Job table functions (FOR UPDATE SKIP LOCKED claims, lease
 * heartbeats, reclaim of jobs whose worker died).
 */
import type { JobKind } from '@loupe/contracts';
import { claimNextJob, completeJob, failJob, heartbeatJob, type Db } from '@loupe/db';
import type { JobQueue } from './job-queue';

export function createDbJobQueue(db: Db, types: readonly JobKind[]): JobQueue {
  return {
    claim: (workerId, lockSeconds) => claimNextJob(db, { workerId, types, lockSeconds }),
    heartbeat: (jobId, workerId, lockSeconds) => heartbeatJob(db, { jobId, workerId, lockSeconds }),
    async complete(jobId, workerId) {
      await completeJob(db, { jobId, workerId });
    },
    async fail(jobId, workerId, reason, retry) {
      await failJob(db, { jobId, workerId, error: reason, retry });
    },
  };
}
