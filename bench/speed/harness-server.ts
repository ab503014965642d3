/**
 * The speed harness's static server (Node): bundles bench/speed/*.ts with esbuild and serves them,
 * onnxruntime-web's and tfjs-backend-wasm's wasm files, model directories and tfjs weights from
 * 127.0.0.1 with COOP/COEP headers, so the page is cross-origin isolated and wasm threads work.
 */
import { build } from 'esbuild';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TfjsWeightsHeader } from './protocol';

const speedDir = dirname(fileURLToPath(import.meta.url));

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.onnx': 'application/octet-stream',
  '.bin': 'application/octet-stream',
};

const CROSS_ORIGIN_ISOLATION = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

const PAGE =
  '<!doctype html><html><head><meta charset="utf-8"><title>Loupe speed harness</title></head><body><script type="module" src="/harness-page.js"></script></body></html>';

export interface TfjsWeights {
  header: TfjsWeightsHeader;
  data: Float32Array;
}

export interface HarnessServer {
  url: string;
  close(): Promise<void>;
}

/** Bundles the page and workers into a temp folder (ort's "extern wasm" build, as the app does). */
async function bundle(outdir: string): Promise<void> {
  await build({
    entryPoints: {
      'harness-page': join(speedDir, 'harness-page.ts'),
      'ort-latency-worker': join(speedDir, 'ort-latency-worker.ts'),
      'ort-propagation-worker': join(speedDir, 'ort-propagation-worker.ts'),
      'tfjs-latency-worker': join(speedDir, 'tfjs-latency-worker.ts'),
    },
    outdir,
    entryNames: '[name]',
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    conditions: ['onnxruntime-web-use-extern-wasm'],
    minify: true,
    logLevel: 'warning',
    tsconfig: join(speedDir, '..', 'tsconfig.json'),
  });
}

function distFolder(specifier: string): string {
  const require = createRequire(import.meta.url);
  return dirname(require.resolve(specifier));
}

/** Resolves `rest` inside `root`, refusing paths that climb out of it. */
function inside(root: string, rest: string): string | null {
  const full = normalize(join(root, decodeURIComponent(rest)));
  return full.startsWith(root + sep) ? full : null;
}

export async function startHarnessServer(options: {
  modelDirs: Record<string, string>;
  tfjsWeights?: Record<string, TfjsWeights>;
}): Promise<HarnessServer> {
  const buildDir = await mkdtemp(join(tmpdir(), 'loupe-speed-'));
  await bundle(buildDir);
  const mounts: Array<[prefix: string, root: string]> = [
    ['/ort/', distFolder('onnxruntime-web/ort-wasm-simd-threaded.wasm')],
    ['/tfjs-wasm/', join(dirname(distFolder('@tensorflow/tfjs-backend-wasm')), 'dist')],
    ...Object.entries(options.modelDirs).map(([name, dir]): [string, string] => [
      `/models/${name}/`,
      dir,
    ]),
    ['/', buildDir],
  ];
  const tfjsFiles = new Map<string, Buffer>();
  for (const [name, weights] of Object.entries(options.tfjsWeights ?? {})) {
    tfjsFiles.set(`/tfjs-weights/${name}.json`, Buffer.from(JSON.stringify(weights.header)));
    tfjsFiles.set(
      `/tfjs-weights/${name}.bin`,
      Buffer.from(weights.data.buffer, weights.data.byteOffset, weights.data.byteLength),
    );
  }

  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    const send = (status: number, body: Buffer | string, type: string) => {
      response.writeHead(status, {
        'Content-Type': type,
        'Cache-Control': 'no-store',
        ...CROSS_ORIGIN_ISOLATION,
      });
      response.end(body);
    };
    const serve = async (): Promise<void> => {
      if (path === '/' || path === '/index.html')
        return send(200, PAGE, CONTENT_TYPES['.html'] as string);
      const generated = tfjsFiles.get(path);
      if (generated)
        return send(200, generated, CONTENT_TYPES[extname(path)] ?? 'application/octet-stream');
      for (const [prefix, root] of mounts) {
        if (!path.startsWith(prefix)) continue;
        const file = inside(root, path.slice(prefix.length));
        if (!file) return send(403, 'forbidden', 'text/plain');
        const info = await stat(file).catch(() => null);
        if (!info?.isFile()) continue;
        return send(
          200,
          await readFile(file),
          CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
        );
      }
      send(404, `not found: ${path}`, 'text/plain');
    };
    serve().catch((error: unknown) =>
      send(500, error instanceof Error ? error.message : String(error), 'text/plain'),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
      await rm(buildDir, { recursive: true, force: true });
    },
  };
}
