/**
 * The long-lived trainer worker (`npm start` runs it): claims jobs from the Postgres queue one at a
 * time and applies every project's training policy while idle. SIGTERM/SIGINT stop it after the
 * running job has checkpointed; a job cut short is retried (from its checkpoint) by the next worker.
 */
import { JOB_KINDS } from '@loupe/contracts';
import { createJobHandlers } from './jobs/create-job-handlers';
import { reconcileOrphanedRuns } from './jobs/reconcile-orphaned-runs';
import { createTrainerServices } from './create-trainer-services';
import { loadTrainerEnv } from './env';
import { describeFailure } from './errors';
import { applyTrainingPolicy } from './policy/apply-training-policy';
import { createDbJobQueue } from './queue/create-db-job-queue';
import { runWorkerLoop } from './queue/run-worker-loop';

async function main(): Promise<void> {
  const env = loadTrainerEnv();
  const services = await createTrainerServices(env);
  const shutdown = new AbortController();
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      services.log(`${signal}: stopping after the current step`);
      shutdown.abort();
    });
  }
  services.log(
    `worker ${env.TRAINER_WORKER_ID} started (config ${env.TRAINER_CONFIG}, artifacts ${env.ARTIFACT_DIR})`,
  );
  try {
    await runWorkerLoop({
      queue: createDbJobQueue(services.db, JOB_KINDS),
      handlers: createJobHandlers(services),
      workerId: env.TRAINER_WORKER_ID,
      lockSeconds: env.TRAINER_LOCK_SECONDS,
      shutdown: shutdown.signal,
      pollIntervalMs: env.TRAINER_POLL_INTERVAL_MS,
      policyIntervalMs: env.TRAINER_POLICY_INTERVAL_MS,
      applyPolicy: async () => {
        for (const runId of await reconcileOrphanedRuns(services.db))
          services.log(`run ${runId} marked FAILED: its job was given up`);
        for (const queued of await applyTrainingPolicy(services.db))
          services.log(
            `policy queued ${queued.type} for project ${queued.projectId} (job ${queued.jobId})`,
          );
      },
      log: services.log,
    });
  } finally {
    await services.db.$disconnect();
  }
  services.log('worker stopped');
}

main().catch((error: unknown) => {
  console.error(`[trainer] fatal: ${describeFailure(error)}`);
  process.exit(1);
});
