/**
 * The real web app for end-to-end measurements: apps/web's production build (shared with the e2e
 * tests, built into apps/web/.next/e2e only when sources changed, so a developer's `next dev` is
 * untouched), served by `next start` in a child process against the bench's database and folders.
 */
// eslint-disable-next-line @nx/enforce-module-boundaries -- build tooling of the app under measurement, not app code
import { ensureProductionBuild, freePort, startServer } from '../../apps/web/scripts/production-build';

export { freePort };

export class WebAppUnavailableError extends Error {
  override name = 'WebAppUnavailableError';
}

let builtThisProcess: Promise<void> | null = null;

/** Builds the app when its build is missing or stale; at most once per process. */
export function prepareWebAppBuild(log: (line: string) => void = console.log): Promise<void> {
  builtThisProcess ??= ensureProductionBuild((line) => log(line.replace('[web]', '[bench]'))).catch((error: unknown) => {
    builtThisProcess = null;
    throw new WebAppUnavailableError(error instanceof Error ? error.message : String(error), { cause: error });
  });
  return builtThisProcess;
}

export interface RunningWebApp {
  url: string;
  /** The server log's last lines. */
  output(): string;
  stop(): Promise<void>;
}

/** `next start` on a free 127.0.0.1 port with the given env; resolves once it answers HTTP. */
export async function startWebApp(options: { env: Record<string, string>; timeoutMs?: number }): Promise<RunningWebApp> {
  await prepareWebAppBuild();
  try {
    const server = await startServer(options.env, undefined, options.timeoutMs ?? 60_000);
    return { url: server.url, output: () => server.output().split('\n').filter(Boolean).slice(-60).join('\n'), stop: () => server.stop() };
  } catch (error) {
    throw new WebAppUnavailableError(error instanceof Error ? error.message : String(error), { cause: error });
  }
}
