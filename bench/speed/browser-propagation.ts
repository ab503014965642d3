/**
 * The volume bench's 64-slice propagation in headless Chromium (onnxruntime-web wasm, 1 thread,
 * in a worker like the app's): the harness server and page of the speed bench.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { launchChromium } from './chromium';
import { startHarnessServer } from './harness-server';
import type { PropagationRequest, PropagationTiming } from './protocol';

/**
 * CPU time (user + system, ms) of this process's descendants (the Chromium it launched), from
 * /proc; null where there is no /proc. Processes that exited are not counted.
 */
export function descendantsCpuMs(): number | null {
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return null;
  }
  const parent = new Map<number, number>();
  const ticks = new Map<number, number>();
  for (const name of entries) {
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // Fields after the command (which may hold spaces) in parentheses.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parent.set(Number(name), Number(fields[1]));
      ticks.set(Number(name), Number(fields[11]) + Number(fields[12]));
    } catch {
      // Gone meanwhile.
    }
  }
  let total = 0;
  for (const [pid, t] of ticks) {
    for (let p = parent.get(pid); p !== undefined && p > 1; p = parent.get(p))
      if (p === process.pid) {
        total += t;
        break;
      }
  }
  // USER_HZ is 100 on Linux.
  return total * 10;
}

export async function measureBrowserPropagation(options: {
  modelDir: string;
  size: number;
  depth: number;
  seed: number;
  threads?: number;
  timeoutMs?: number;
}): Promise<PropagationTiming> {
  const server = await startHarnessServer({ modelDirs: { model: options.modelDir } });
  try {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const pageErrors: string[] = [];
      page.on('pageerror', (error) => pageErrors.push(error.message));
      await page.exposeFunction('benchCpuMs', () => descendantsCpuMs());
      await page.goto(`${server.url}/`);
      await page.waitForSelector('body[data-ready="true"]', { state: 'attached', timeout: 30_000 });
      const request: PropagationRequest = {
        modelBase: '/models/model',
        threads: options.threads ?? 1,
        size: options.size,
        depth: options.depth,
        seed: options.seed,
      };
      let timer: NodeJS.Timeout | undefined;
      const timeoutMs = options.timeoutMs ?? 300_000;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new Error(
                `no propagation timing within ${timeoutMs} ms${pageErrors.length ? `; page errors: ${pageErrors.join(' | ')}` : ''}`,
              ),
            ),
          timeoutMs,
        );
      });
      try {
        return await Promise.race([
          page.evaluate(
            (req) =>
              (
                globalThis as unknown as {
                  runPropagation(r: PropagationRequest): Promise<PropagationTiming>;
                }
              ).runPropagation(req),
            request,
          ),
          timeout,
        ]);
      } finally {
        clearTimeout(timer);
      }
    } finally {
      await browser.close();
    }
  } finally {
    await server.close();
  }
}
