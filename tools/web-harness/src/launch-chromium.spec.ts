/**
 * Each Chromium the harness can pick runs what the annotate page needs: a cross-origin isolated
 * page (COOP/COEP), SharedArrayBuffer shared with a worker, shared WebAssembly memory (threaded
 * wasm). The bundled one is checked on every run, so the fallback for machines without Debian's
 * Chromium cannot rot unnoticed.
 */
import { createServer, type Server } from 'node:http';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_CHROMIUM } from './find-chromium';
import { isExecutableFile } from './is-executable-file';
import { launchChromium } from './launch-chromium';

const PAGE = `<!doctype html><title>isolation</title><script>
window.check = async () => {
  const source = 'onmessage = (e) => { Atomics.store(new Int32Array(e.data), 0, 42); postMessage(0); };';
  const worker = new Worker(URL.createObjectURL(new Blob([source], { type: 'text/javascript' })));
  const shared = new SharedArrayBuffer(4);
  const done = new Promise((resolve) => (worker.onmessage = resolve));
  worker.postMessage(shared);
  await done;
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 2, shared: true });
  return {
    crossOriginIsolated: self.crossOriginIsolated,
    fromWorker: new Int32Array(shared)[0],
    sharedWasmMemory: memory.buffer instanceof SharedArrayBuffer,
  };
};
</script>`;

let server: Server;
let url: string;

beforeAll(async () => {
  server = createServer((_request, response) => {
    response.writeHead(200, {
      'content-type': 'text/html',
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-embedder-policy': 'require-corp',
    });
    response.end(PAGE);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  url = `http://127.0.0.1:${address.port}/`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const hasSystem = isExecutableFile(SYSTEM_CHROMIUM);
const bundledHere = process.platform === 'linux' && process.arch === 'x64';

const cases = [
  { kind: 'bundled' as const, skip: bundledHere ? null : 'the bundled Chromium is Linux x64 only' },
  { kind: 'system' as const, skip: hasSystem ? null : `${SYSTEM_CHROMIUM} is not installed` },
];

describe('launchChromium', () => {
  for (const { kind, skip } of cases) {
    let browser: Browser | null = null;
    afterAll(async () => browser?.close());
    (skip ? it.skip : it)(
      skip
        ? `${kind}: skipped, ${skip}`
        : `${kind}: runs a cross-origin isolated page with threads`,
      async () => {
        const lines: string[] = [];
        browser = await launchChromium({ setting: { kind }, log: (line) => lines.push(line) });
        expect(lines.at(-1)).toMatch(/^\[chromium\] .+, version \d+\.\d+\.\d+\.\d+$/);
        const page = await browser.newPage();
        await page.goto(url);
        const result = await page.evaluate(() =>
          (window as unknown as { check: () => Promise<unknown> }).check(),
        );
        expect(result).toEqual({
          crossOriginIsolated: true,
          fromWorker: 42,
          sharedWasmMemory: true,
        });
      },
    );
  }
});
