/**
 * The production build that tests and benchmarks run against: the inference worker plus
 * `next build` into .next/e2e (never the .next a developer's `next dev` uses), rebuilt only when
 * a source the bundle depends on is newer than the build; and `next start` on a free port.
 * The e2e tests and the benchmarks share it, so one `npm test` builds the app at most once.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildWorker } from './build-worker';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const webRoot = join(repoRoot, 'apps/web');
const nextBin = join(repoRoot, 'node_modules/next/dist/bin/next');
export const TEST_DIST_DIR = '.next/e2e';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no free port')),
      );
    });
  });
}

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules' || entry === 'generated' || entry.startsWith('.')) continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

/** Builds the worker, then `next build` unless .next/e2e is newer than every source it bundles. */
export async function ensureProductionBuild(log: (line: string) => void): Promise<void> {
  await buildWorker();
  const buildId = join(webRoot, TEST_DIST_DIR, 'BUILD_ID');
  const sources = [
    'apps/web/src',
    'apps/web/next.config.ts',
    'apps/web/package.json',
    'libs/contracts/src',
    'libs/db/src',
    'libs/model/src',
    'libs/prompts/src',
  ];
  const newestSource = Math.max(...sources.map((s) => newestMtime(join(repoRoot, s))));
  if (existsSync(buildId) && statSync(buildId).mtimeMs > newestSource) {
    log('[web] reusing the production build in apps/web/.next/e2e');
    return;
  }
  const started = Date.now();
  log('[web] building apps/web (next build) ...');
  // `next build` points next-env.d.ts at its distDir's types; the committed file names .next's.
  const nextEnvFile = join(webRoot, 'next-env.d.ts');
  const nextEnv = existsSync(nextEnvFile) ? readFileSync(nextEnvFile, 'utf8') : null;
  const result = spawnSync(process.execPath, [nextBin, 'build'], {
    cwd: webRoot,
    env: {
      ...process.env,
      LOUPE_NEXT_DIST_DIR: TEST_DIST_DIR,
      NEXT_TELEMETRY_DISABLED: '1',
      NODE_ENV: 'production',
    },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (nextEnv !== null && readFileSync(nextEnvFile, 'utf8') !== nextEnv)
    writeFileSync(nextEnvFile, nextEnv);
  if (result.status !== 0)
    throw new Error(
      `next build failed (${result.status}):\n${(result.stdout ?? '').slice(-4000)}\n${(result.stderr ?? '').slice(-4000)}`,
    );
  log(`[web] built in ${Math.round((Date.now() - started) / 1000)} s`);
}

export interface RunningServer {
  url: string;
  /** Everything the server printed (stdout and stderr). */
  output: () => string;
  stop(): Promise<void>;
}

/** `next start` of the build on 127.0.0.1 with the given environment; resolves once it answers. */
export async function startServer(
  env: Record<string, string>,
  port?: number,
  timeoutMs = 60_000,
): Promise<RunningServer> {
  const listenPort = port ?? (await freePort());
  let output = '';
  const child: ChildProcess = spawn(
    process.execPath,
    [nextBin, 'start', '-p', String(listenPort), '-H', '127.0.0.1'],
    {
      cwd: webRoot,
      env: {
        ...process.env,
        ...env,
        LOUPE_NEXT_DIST_DIR: TEST_DIST_DIR,
        NEXT_TELEMETRY_DISABLED: '1',
        NODE_ENV: 'production',
        PORT: String(listenPort),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const keep = (chunk: Buffer) => {
    output += chunk.toString();
    // Long benchmark runs: keep the recent part only.
    if (output.length > 200_000) output = output.slice(-100_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
  };
  const url = `http://127.0.0.1:${listenPort}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`next start exited with ${child.exitCode}:\n${output.slice(-3000)}`);
    try {
      const response = await fetch(`${url}/sign-in`, { redirect: 'manual' });
      if (response.status < 500) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(
        `next start did not answer within ${timeoutMs / 1000} s:\n${output.slice(-3000)}`,
      );
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  return { url, output: () => output, stop };
}
