/**
 * One-shot trainer commands: `npm run trainer -- <command> --project <slug|id> [options]`
 *   pretrain  [--epochs N] [--no-wait]   queue MAE pretraining (+ fine-tuning) and run it here
 *   finetune  [--epochs N] [--no-wait]   queue a fine-tuning round and run it here
 *   evaluate  [--version N]              held-out metrics of the active (or given) version
 *   score                                recompute active-learning priorities now
 *   promote   --version N                make a version active (skips the gate; an admin's call)
 *   rollback  --version N                make an earlier version active again
 *   status                               active model, versions, runs, pending jobs
 */
import { parseArgs } from 'node:util';
import { enqueueJob, promoteModelVersion, rollbackToVersion } from '@loupe/db';
import { formatProjectStatus } from './cli/format-status';
import { resolveProject } from './cli/resolve-project';
import { runJobToCompletion } from './cli/run-job-to-completion';
import { createTrainerServices } from './create-trainer-services';
import { loadTrainerEnv } from './env';
import { TrainerError, describeFailure } from './errors';
import { createJobHandlers } from './jobs/create-job-handlers';
import { JOB_KINDS } from '@loupe/contracts';
import { evaluateModelVersion } from './jobs/run-evaluate-job';
import { createDbJobQueue } from './queue/create-db-job-queue';

const COMMANDS = [
  'pretrain',
  'finetune',
  'evaluate',
  'score',
  'promote',
  'rollback',
  'status',
] as const;
type Command = (typeof COMMANDS)[number];

function usage(): string {
  return `usage: npm run trainer -- <${COMMANDS.join('|')}> --project <slug|id> [--version N] [--epochs N] [--no-wait]`;
}

function positiveInt(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0)
    throw new TrainerError('INVALID_JOB', `--${name} must be a positive integer, got "${value}"`);
  return n;
}

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      project: { type: 'string' },
      version: { type: 'string' },
      epochs: { type: 'string' },
      'no-wait': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  const command = positionals[0] as Command | undefined;
  if (values.help || !command || !COMMANDS.includes(command) || !values.project) {
    console.error(usage());
    return values.help ? 0 : 2;
  }
  const env = loadTrainerEnv();
  const services = await createTrainerServices(env);
  const shutdown = new AbortController();
  process.once('SIGINT', () => shutdown.abort());
  try {
    const project = await resolveProject(services.db, values.project);
    const version = positiveInt(values.version, 'version');
    switch (command) {
      case 'status':
        console.log(await formatProjectStatus(services.db, project.id));
        return 0;
      case 'promote':
      case 'rollback': {
        if (!version) throw new TrainerError('INVALID_JOB', `${command} needs --version N`);
        const target = await services.db.modelVersion.findUnique({
          where: { projectId_version: { projectId: project.id, version } },
          select: { id: true },
        });
        if (!target)
          throw new TrainerError(
            'NOT_FOUND',
            `project ${project.slug} has no model version ${version}`,
          );
        const active =
          command === 'promote'
            ? await promoteModelVersion(services.db, target.id)
            : await rollbackToVersion(services.db, project.id, version);
        console.log(
          `project ${project.slug}: v${active.version} is now active; open browsers are told to switch`,
        );
        return 0;
      }
      case 'evaluate': {
        const target = version
          ? await services.db.modelVersion.findUnique({
              where: { projectId_version: { projectId: project.id, version } },
              select: { id: true },
            })
          : null;
        if (version && !target)
          throw new TrainerError(
            'NOT_FOUND',
            `project ${project.slug} has no model version ${version}`,
          );
        const result = await evaluateModelVersion(services, {
          projectId: project.id,
          ...(target ? { modelVersionId: target.id } : {}),
        });
        console.log(`v${result.version}: ${JSON.stringify(result.metrics)}`);
        return 0;
      }
      case 'pretrain':
      case 'finetune':
      case 'score': {
        const epochs = positiveInt(values.epochs, 'epochs');
        const job = await enqueueJob(
          services.db,
          command === 'score'
            ? { projectId: project.id, type: command }
            : {
                projectId: project.id,
                type: command,
                payload: { trigger: 'cli', ...(epochs ? { epochs } : {}) },
              },
        );
        console.log(`queued ${command} job ${job.id} for project ${project.slug}`);
        if (values['no-wait']) return 0;
        const result = await runJobToCompletion(services.db, job.id, {
          queue: createDbJobQueue(services.db, JOB_KINDS),
          handlers: createJobHandlers(services),
          workerId: `${env.TRAINER_WORKER_ID}-cli`,
          lockSeconds: env.TRAINER_LOCK_SECONDS,
          pollIntervalMs: env.TRAINER_POLL_INTERVAL_MS,
          shutdown: shutdown.signal,
          log: services.log,
        });
        console.log(
          `${command} job ${job.id}: ${result.status}${result.lastError ? ` (${result.lastError})` : ''}`,
        );
        if (result.status === 'SUCCEEDED')
          console.log(await formatProjectStatus(services.db, project.id));
        return result.status === 'SUCCEEDED' ? 0 : 1;
      }
    }
  } finally {
    await services.db.$disconnect();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`trainer: ${describeFailure(error)}`);
    process.exit(1);
  },
);
