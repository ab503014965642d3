/**
 * A Postgres cluster of the bench's own (initdb + pg_ctl from the installed server's binaries, in
 * a temporary folder, on a free port), so the faults bench can crash and restart the database
 * mid-save without touching the machine's server. `crashAndRestart` stops it the way a crash
 * does (`pg_ctl stop -m immediate`: no checkpoint, uncommitted work lost, committed work only in
 * the WAL) and starts it again (crash recovery replays the WAL). Postgres refuses to run as root:
 * there it runs as the `postgres` user (runuser). Null, with the reason, where none can be made.
 */
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '@loupe/web-harness';

export interface ThrowawayPostgres {
  /** Superuser URL of the cluster's `postgres` database. */
  url: string;
  /** Crash (immediate stop), stay down `downMs`, start again; resolves once it accepts connections. */
  crashAndRestart(downMs: number): Promise<{ downSeconds: number }>;
  stop(): Promise<void>;
}

function findBinDir(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'pg_ctl')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], 'bin') : null;
}

export async function startThrowawayPostgres(): Promise<
  ThrowawayPostgres | { unavailable: string }
> {
  const bin = findBinDir();
  if (!bin) return { unavailable: 'no Postgres server binaries under /usr/lib/postgresql' };
  const root = userInfo().uid === 0;
  if (root && spawnSync('id', ['-u', 'postgres']).status !== 0)
    return { unavailable: 'running as root and there is no postgres user to run the cluster' };
  const as = (command: string, args: string[]) =>
    root
      ? { file: 'runuser', args: ['-u', 'postgres', '--', command, ...args] }
      : { file: command, args };
  // Asynchronous, so the bench's clients keep running while the server stops and starts.
  const run = async (command: string, args: string[]) => {
    const { file, args: all } = as(join(bin, command), args);
    await promisify(execFile)(file, all, { encoding: 'utf8' });
  };
  const dir = mkdtempSync(join(tmpdir(), 'loupe-bench-pg-'));
  const dataDir = join(dir, 'data');
  if (root) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
  }
  chmodSync(dir, 0o700);
  const port = await freePort();
  await run('initdb', [
    '-D',
    dataDir,
    '-U',
    'postgres',
    '--auth=trust',
    '-E',
    'UTF8',
    '--no-instructions',
  ]);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=50`;
  const start = () =>
    run('pg_ctl', ['-D', dataDir, '-o', options, '-l', join(dir, 'log'), '-w', 'start']);
  const stopNow = (mode: 'immediate' | 'fast') =>
    run('pg_ctl', ['-D', dataDir, '-m', mode, '-w', 'stop']);
  await start();
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    async crashAndRestart(downMs) {
      const t0 = performance.now();
      await stopNow('immediate');
      await new Promise((resolve) => setTimeout(resolve, downMs));
      await start();
      return { downSeconds: Math.round((performance.now() - t0) / 100) / 10 };
    },
    async stop() {
      try {
        await stopNow('fast');
      } catch {
        // already stopped
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
