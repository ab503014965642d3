/**
 * The real web app for end-to-end measurements: apps/web's production build (shared with the e2e
 * tests, built into apps/web/.next/e2e only when sources changed, so a developer's `next dev` is
 * untouched), served by `next start` in a child process against the bench's database and folders.
 */
import { withServerMallocEnv } from '@loupe/db';
import { ensureProductionBuild, startServer } from '@loupe/web-harness';

export interface RunningWebApp {
  url: string;
  /** The server log's last lines. */
  output(): string;
  /** The server process (for its resident memory). */
  pid: number | undefined;
  stop(): Promise<void>;
}

// Checked (and built when stale) once per process: every measurement of a run uses the same build,
// and the worker bundle is not rewritten under a server that is still serving it.
let build: Promise<void> | null = null;

function inheritedEnv(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      (entry): entry is [string, string] => entry[1] !== undefined,
    ),
  );
}

/**
 * `next start` on 127.0.0.1 (a free port, or `port`: a restart where clients keep their URL) with
 * the given env; resolves once it answers HTTP.
 */
export async function startWebApp(options: {
  env: Record<string, string>;
  port?: number;
  timeoutMs?: number;
  log?: (line: string) => void;
}): Promise<RunningWebApp> {
  const log = options.log ?? console.log;
  build ??= ensureProductionBuild((line) => log(line.replace('[web]', '[bench]'))).catch(
    (error: unknown) => {
      build = null;
      throw error;
    },
  );
  await build;
  // The malloc settings `npm start` gives the server (libs/db childEnv): memory as deployed.
  const server = await startServer(
    withServerMallocEnv({ ...inheritedEnv(), ...options.env }),
    options.port,
    options.timeoutMs ?? 60_000,
  );
  return {
    url: server.url,
    output: () => server.output().split('\n').filter(Boolean).slice(-400).join('\n'),
    pid: server.pid,
    stop: () => server.stop(),
  };
}
