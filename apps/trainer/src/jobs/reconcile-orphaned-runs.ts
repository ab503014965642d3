/**
 * A trainer killed on a job's last attempt never records the failure itself: the queue marks the
 * job FAILED when it reclaims the lapsed lease. This marks such a job's TrainingRun FAILED too, with
 * the job's reason, so the dashboard does not show a run "running" forever. A run no job refers
 * to (its trainer died between creating it and recording it on the job) is failed once its
 * heartbeat is older than `staleAfterMs`.
 */
import type { Db } from '@loupe/db';

export async function reconcileOrphanedRuns(
  db: Db,
  options: { staleAfterMs?: number; now?: Date } = {},
): Promise<string[]> {
  const now = options.now ?? new Date();
  const staleBefore = new Date(now.getTime() - (options.staleAfterMs ?? 15 * 60_000));
  const open = await db.trainingRun.findMany({
    where: { status: { in: ['RUNNING', 'QUEUED'] } },
    select: { id: true, heartbeatAt: true, createdAt: true },
  });
  const failed: string[] = [];
  for (const run of open) {
    const job = await db.job.findFirst({
      where: { payload: { path: ['trainingRunId'], equals: run.id } },
      select: { status: true, lastError: true },
      orderBy: { createdAt: 'desc' },
    });
    const abandoned = !job && (run.heartbeatAt ?? run.createdAt) < staleBefore;
    if (job?.status !== 'FAILED' && !abandoned) continue;
    const error = job
      ? (job.lastError ?? 'the job failed')
      : 'abandoned: no job refers to this run and its trainer stopped sending heartbeats';
    const updated = await db.trainingRun.updateMany({
      where: { id: run.id, status: { in: ['RUNNING', 'QUEUED'] } },
      data: { status: 'FAILED', error, finishedAt: now, etaSeconds: null },
    });
    if (updated.count > 0) failed.push(run.id);
  }
  return failed;
}
