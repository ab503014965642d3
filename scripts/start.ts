/**
 * `npm start`: database (embedded PGlite under DATA_DIR unless DATABASE_URL is set), migrations,
 * demo seed, then the web app and the trainer, with prefixed output. A web app or trainer that
 * dies is restarted with backoff (scripts/start/supervise.ts); if the embedded database dies,
 * everything stops and we exit non-zero. Ctrl-C / SIGTERM stops every process we started (whole
 * process groups, SIGKILL for what lingers) within STOP_DEADLINE_MS.
 */
import { fileURLToPath } from 'node:url';
import {
  applyMigrations,
  assertDatabaseReachable,
  assertPortFree,
  childEnv,
  DbEnvError,
  DbError,
  generatePrismaClient,
  isPrismaClientGenerated,
  readDbEnv,
  redactUrl,
} from '@loupe/db/ops';
import { missingEntryPoints, SEED_ENTRY, TRAINER_ENTRY } from './start/check-entry-points';
import type { ManagedChild } from './start/managed-child';
import { spawnManaged } from './start/managed-child';
import { supervise, type SupervisedChild } from './start/supervise';
import { WEB_BUILD_INPUTS, webBuildIsStale } from './start/web-build-is-stale';
import { waitForHttp } from './start/wait-for-http';
import { formatPrefix } from './start/prefix-lines';

const rootDir = fileURLToPath(new URL('..', import.meta.url));
const say = (line: string) =>
  console.log(`${formatPrefix('start', process.stdout.isTTY === true)}${line}`);

class StartError extends Error {}
/** Thrown to abandon main() once Ctrl-C/SIGTERM arrived, so nothing new starts while we stop. */
class ShuttingDown extends Error {}

const running: ManagedChild[] = [];
const supervised: SupervisedChild[] = [];
let shuttingDown = false;

/** Everything is gone this long after Ctrl-C, open browser streams or not. */
const STOP_DEADLINE_MS = 10_000;

async function stopAll(): Promise<void> {
  // Web and trainer first, so they close their connections before the database goes away.
  const db = running.find((child) => child.name === 'db');
  await Promise.all([
    ...supervised.map((child) => child.stop(5_000)),
    ...running.filter((child) => child !== db).map((child) => child.stop(5_000)),
  ]);
  await db?.stop(3_000);
}

async function shutdown(reason: string, exitCode: number): Promise<never> {
  if (!shuttingDown) {
    shuttingDown = true;
    if (running.length > 0 || supervised.length > 0) {
      say(reason);
      // Each child gets SIGKILL before its grace ends; this only guards against a hang here.
      const deadline = setTimeout(() => {
        say('processes still running after 10 s; exiting anyway');
        process.exit(exitCode);
      }, STOP_DEADLINE_MS);
      await stopAll();
      clearTimeout(deadline);
    }
  }
  process.exit(exitCode);
}

/** Runs a short-lived child (seed, build) to completion; a non-zero exit stops start. */
async function runToCompletion(
  name: string,
  command: string,
  args: string[],
  env: Record<string, string>,
  onLine?: (line: string) => void,
) {
  const child = spawnManaged({ name, command, args, cwd: rootDir, env, onLine });
  running.push(child);
  const code = await child.exited;
  running.splice(running.indexOf(child), 1);
  if (shuttingDown) throw new ShuttingDown();
  if (code !== 0)
    throw new StartError(`${name} failed (exit ${code}); see the [${name}] lines above.`);
}

/** Starts the embedded database as the [db] child; resolves with its URL once it accepts connections. */
async function startEmbedded(env: Record<string, string>): Promise<string> {
  let announce: (url: string) => void = () => undefined;
  const ready = new Promise<string>((resolve) => (announce = resolve));
  const db = spawnManaged({
    name: 'db',
    command: process.execPath,
    args: ['--import', 'tsx', 'libs/db/src/cli/embedded-db.ts'],
    cwd: rootDir,
    env,
    onLine: (line) => {
      const match = /^ready (\S+)/.exec(line);
      if (match?.[1]) announce(match[1]);
    },
  });
  running.push(db);
  const outcome = await Promise.race([ready, db.exited.then((code) => ({ code }))]);
  if (shuttingDown) throw new ShuttingDown();
  if (typeof outcome !== 'string')
    throw new StartError(
      `the embedded database did not start (exit ${outcome.code}); see the [db] line above.`,
    );
  return outcome;
}

async function main(): Promise<void> {
  const env = readDbEnv();
  const missing = missingEntryPoints(rootDir, { dev: env.LOUPE_DEV, seed: !env.LOUPE_SKIP_SEED });
  if (missing.length > 0)
    throw new StartError(
      `missing ${missing.join('; ')}. Restore it from git (or finish that part) and run npm start again.`,
    );
  if (!isPrismaClientGenerated()) {
    say('generating the Prisma client (it was missing; postinstall normally does this)');
    await generatePrismaClient({ quiet: true });
  }

  // Ports first: a clear line now beats a child's error later. Next listens on all interfaces.
  await assertPortFree('0.0.0.0', env.PORT, 'PORT');
  if (!env.DATABASE_URL) await assertPortFree('127.0.0.1', env.LOUPE_DB_PORT, 'LOUPE_DB_PORT');

  const embedded = !env.DATABASE_URL;
  let databaseUrl: string;
  if (env.DATABASE_URL) {
    databaseUrl = env.DATABASE_URL;
    await assertDatabaseReachable(databaseUrl);
    say(`using Postgres at ${redactUrl(databaseUrl)}`);
  } else {
    databaseUrl = await startEmbedded(childEnv(env, '', true));
    say(`embedded database ready at ${databaseUrl} (data in ${env.DATA_DIR})`);
  }
  const applied = await applyMigrations(databaseUrl);
  if (shuttingDown) throw new ShuttingDown();
  say(
    applied.length > 0
      ? `applied migrations: ${applied.join(', ')}`
      : 'database schema is up to date',
  );

  const childrenEnv = childEnv(env, databaseUrl, embedded);
  const tsx = ['--import', 'tsx'];
  const signInLines: string[] = [];
  if (!env.LOUPE_SKIP_SEED) {
    await runToCompletion('seed', process.execPath, [...tsx, SEED_ENTRY], childrenEnv, (line) => {
      // The seed prints who to sign in as; repeat it after the URL. Drop its own "[seed]" / "demo sign-in:" labels.
      if (/sign[- ]?in|password/i.test(line))
        signInLines.push(
          line
            .trim()
            .replace(/^(\[\w+\]\s*)+/, '')
            .replace(/^demo sign[- ]?in:\s*/i, ''),
        );
    });
  }

  if (!env.LOUPE_DEV && webBuildIsStale(rootDir, WEB_BUILD_INPUTS)) {
    say('building the web app (first start or sources changed; takes a few minutes)');
    await runToCompletion('build', 'npm', ['run', 'build', '-w', '@loupe/web'], childrenEnv);
  }
  if (shuttingDown) throw new ShuttingDown();
  supervised.push(
    supervise({
      name: 'web',
      say,
      spawn: () =>
        spawnManaged({
          name: 'web',
          command: 'npm',
          args: ['run', env.LOUPE_DEV ? 'dev' : 'start', '-w', '@loupe/web'],
          cwd: rootDir,
          env: childrenEnv,
        }),
    }),
    supervise({
      name: 'trainer',
      say,
      spawn: () =>
        spawnManaged({
          name: 'trainer',
          command: process.execPath,
          args: [...tsx, TRAINER_ENTRY],
          cwd: rootDir,
          env: childrenEnv,
        }),
    }),
  );
  // Without its database nothing can work: stop everything.
  for (const child of running) {
    void child.exited.then((code) => {
      if (!shuttingDown)
        void shutdown(
          `${child.name} exited with code ${code}; stopping everything.`,
          code === 0 ? 1 : code,
        );
    });
  }

  const url = `http://localhost:${env.PORT}`;
  const up = await waitForHttp(url, { timeoutMs: 180_000, gaveUp: () => shuttingDown });
  if (shuttingDown) return;
  if (!up)
    say(`the web app has not answered on ${url} after 3 minutes; still waiting (see [web] lines).`);
  say(`Loupe is running at ${url}`);
  say(
    signInLines.length > 0
      ? `demo sign-in: ${signInLines.join(' | ')}`
      : 'demo sign-in: see the [seed] lines above',
  );
  say('press Ctrl-C to stop');
}

process.once('SIGINT', () => void shutdown('Ctrl-C: stopping', 130));
process.once('SIGTERM', () => void shutdown('SIGTERM: stopping', 143));

main().catch(async (error: unknown) => {
  if (error instanceof ShuttingDown) return; // shutdown() is already stopping everything and will exit
  const known =
    error instanceof DbError || error instanceof DbEnvError || error instanceof StartError;
  const message = error instanceof Error ? error.message : String(error);
  console.error(`npm start: ${known ? message : `unexpected error: ${message.split('\n')[0]}`}`);
  if (!known && error instanceof Error && error.stack) console.error(error.stack);
  await shutdown('stopping after the error above', 1);
});
