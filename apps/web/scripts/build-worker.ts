/**
 * Bundles the inference worker with esbuild (public/inference-worker.js + chunks under
 * public/ort/chunks/) and copies onnxruntime-web's wasm runtime into public/ort/. Next's bundler
 * never sees onnxruntime-web: its wasm loader and Next's asset pipeline do not mix well.
 * Run by `predev`/`prebuild` and by the e2e tests. Outputs are gitignored.
 */
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const webRoot = fileURLToPath(new URL('..', import.meta.url));
const publicDir = join(webRoot, 'public');
const ortOut = join(publicDir, 'ort');

export async function buildWorker(options: { minify?: boolean } = {}): Promise<void> {
  const started = Date.now();
  rmSync(join(ortOut, 'chunks'), { recursive: true, force: true });
  mkdirSync(ortOut, { recursive: true });
  const require = createRequire(import.meta.url);
  // The package exports no ./package.json; resolve a file it does export and take its folder.
  const ortDist = dirname(require.resolve('onnxruntime-web/ort-wasm-simd-threaded.wasm'));
  for (const file of readdirSync(ortDist)) {
    if (/^ort-wasm-simd-threaded.*\.(mjs|wasm)$/.test(file))
      copyFileSync(join(ortDist, file), join(ortOut, file));
  }
  await build({
    entryPoints: { 'inference-worker': join(webRoot, 'src/worker/inference-worker.ts') },
    outdir: publicDir,
    entryNames: '[name]',
    chunkNames: 'ort/chunks/[name]-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    // Use ort's "extern wasm" builds: the glue .mjs is loaded from env.wasm.wasmPaths (/ort/),
    // so its own threads can re-import it by URL.
    conditions: ['onnxruntime-web-use-extern-wasm'],
    // LOUPE_WORKER_MINIFY=0: readable function names in CPU profiles.
    minify: options.minify ?? process.env['LOUPE_WORKER_MINIFY'] !== '0',
    sourcemap: false,
    logLevel: 'warning',
    tsconfig: join(webRoot, 'tsconfig.json'),
  });
  console.log(
    `[build-worker] public/inference-worker.js and public/ort/ ready in ${Date.now() - started} ms`,
  );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await buildWorker();
}
