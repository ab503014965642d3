/**
 * The production build that tests and benchmarks run against: the inference worker plus
 * `next build` into .next/e2e (never the .next a developer's `next dev` uses), rebuilt only when
 * a source the bundle depends on is newer than the build. The e2e tests and the benchmarks share
 * it, so one `npm test` builds the app at most once. The app's own build steps run as commands;
 * nothing here imports app code.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { buildWorkerScript, nextBin, repoRoot, TEST_DIST_DIR, webRoot } from './paths';

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

function run(what: string, args: string[], env: NodeJS.ProcessEnv): string {
  const result = spawnSync(process.execPath, args, {
    cwd: webRoot,
    env,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) throw new Error(`${what} could not start: ${result.error.message}`);
  if (result.status !== 0)
    throw new Error(
      `${what} failed (${result.status ?? result.signal}):\n${(result.stdout ?? '').slice(-4000)}\n${(result.stderr ?? '').slice(-4000)}`,
    );
  return result.stdout;
}

/** Builds the worker, then `next build` unless .next/e2e is newer than every source it bundles. */
export async function ensureProductionBuild(log: (line: string) => void): Promise<void> {
  // The worker bundle is served from public/, which `next start` reads from disk: always current.
  const tsxCli = createRequire(import.meta.url).resolve('tsx/cli');
  const workerLog = run('the inference worker build', [tsxCli, buildWorkerScript], process.env);
  for (const line of workerLog.split('\n').filter(Boolean)) log(line);
  const buildId = join(webRoot, TEST_DIST_DIR, 'BUILD_ID');
  // The app and every lib (the app may import any of them; a new lib needs no edit here).
  const libs = readdirSync(join(repoRoot, 'libs')).map((lib) => `libs/${lib}/src`);
  const sources = ['apps/web/src', 'apps/web/next.config.ts', 'apps/web/package.json', ...libs];
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
  try {
    run('next build', [nextBin, 'build'], {
      ...process.env,
      LOUPE_NEXT_DIST_DIR: TEST_DIST_DIR,
      NEXT_TELEMETRY_DISABLED: '1',
      NODE_ENV: 'production',
    });
  } finally {
    if (nextEnv !== null && readFileSync(nextEnvFile, 'utf8') !== nextEnv)
      writeFileSync(nextEnvFile, nextEnv);
  }
  log(`[web] built in ${Math.round((Date.now() - started) / 1000)} s`);
}
