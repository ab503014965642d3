/**
 * The volume bench's 64-slice propagation in headless Chromium (onnxruntime-web wasm, 1 thread,
 * in a worker like the app's): the harness server and page of the speed bench.
 */
import { launchChromium } from './chromium';
import { startHarnessServer } from './harness-server';
import type { PropagationRequest, PropagationTiming } from './protocol';

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
