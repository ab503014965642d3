/**
 * Final states of a TrainingRun. A failure that the queue will retry leaves the run QUEUED (the
 * next attempt resumes it from its checkpoint); a final failure marks it FAILED. Both keep the
 * reason in TrainingRun.error, where the dashboard shows it.
 */
import type { Db, Prisma } from '@loupe/db';

export async function markRunSucceeded(
  db: Db,
  runId: string,
  metrics: Prisma.InputJsonValue,
): Promise<void> {
  const now = new Date();
  await db.trainingRun.update({
    where: { id: runId },
    data: {
      status: 'SUCCEEDED',
      metrics,
      progress: 1,
      etaSeconds: 0,
      error: null,
      finishedAt: now,
      heartbeatAt: now,
    },
  });
}

export async function recordRunFailure(
  db: Db,
  runId: string,
  reason: string,
  willRetry: boolean,
): Promise<void> {
  const now = new Date();
  await db.trainingRun.update({
    where: { id: runId },
    data: willRetry
      ? { status: 'QUEUED', error: `${reason} (will retry)`, heartbeatAt: now }
      : { status: 'FAILED', error: reason, finishedAt: now, heartbeatAt: now, etaSeconds: null },
  });
}
