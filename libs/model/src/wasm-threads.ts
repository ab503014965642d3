/**
 * The tfjs wasm backend on its threaded SIMD build in Node, so XNNPACK's matmuls and convolutions
 * use more than one core. tfjs-backend-wasm 4.22 never picks that build under Node (its
 * WASM_HAS_MULTITHREAD_SUPPORT flag returns false when IS_NODE), and its own init hands
 * emscripten Blob URLs for the pthread worker and the main script, which Node's worker_threads
 * cannot load. Here the same 'wasm' backend (BackendWasm, so every registered wasm kernel and the
 * fused training kernels run unchanged) is built from the threaded glue with file paths instead:
 * the worker script is written once to the temp folder, and the glue is read from the package.
 */
import { createHash } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';

const require = createRequire(import.meta.url);
const WASM_PRIORITY = 2; // the priority tfjs-backend-wasm registers 'wasm' with

type EmscriptenModule = {
  cwrap(name: string, ret: string | null, args: string[]): (...args: unknown[]) => unknown;
  tfjs?: Record<string, unknown>;
};
type ThreadedFactory = (config: Record<string, unknown>) => Promise<EmscriptenModule>;

function wasmOutDir(): string {
  return path.join(
    path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')),
    'wasm-out',
  );
}

/** The pthread worker script as a file (the package ships it as a JS string export). */
function workerScriptFile(outDir: string): string {
  const { wasmWorkerContents } = require(
    path.join(outDir, 'tfjs-backend-wasm-threaded-simd.worker.js'),
  ) as { wasmWorkerContents: string };
  // The template literal turned the source's "\n" escapes into newlines inside string literals;
  // tfjs-backend-wasm escapes them back the same way before making its Blob.
  const script = wasmWorkerContents.replace(/\n/g, '\\n');
  const hash = createHash('sha256').update(script).digest('hex').slice(0, 16);
  const file = path.join(os.tmpdir(), `loupe-tfjs-wasm-threaded-${hash}.worker.cjs`);
  if (!existsSync(file)) writeFileSync(file, script);
  return file;
}

/**
 * Runs `init` while os.cpus() reports at least `cores` entries. The backend caps its thread pool
 * at half the logical cores (a static initialiser, `emscripten_num_logical_cores() / 2`, which
 * reads os.cpus() in Node), so on a 2-core machine it would never start a second thread.
 */
async function withLogicalCores<T>(cores: number, init: () => Promise<T>): Promise<T> {
  const nodeOs = require('node:os') as typeof os;
  const realCpus = nodeOs.cpus;
  nodeOs.cpus = () => {
    const cpus = realCpus();
    return cpus.length >= cores
      ? cpus
      : Array.from({ length: cores }, (_, i) => cpus[i % cpus.length] as os.CpuInfo);
  };
  try {
    return await init();
  } finally {
    nodeOs.cpus = realCpus;
  }
}

/** The emscripten module of the threaded SIMD build, with the `tfjs` bridge BackendWasm expects. */
async function initThreadedModule(threads: number): Promise<EmscriptenModule> {
  const outDir = wasmOutDir();
  const glue = path.join(outDir, 'tfjs-backend-wasm-threaded-simd.js');
  const worker = workerScriptFile(outDir);
  const factory = require(glue) as ThreadedFactory;
  const module = await withLogicalCores(2 * threads, () =>
    factory({
      // Each pthread worker evaluates this file to get the factory (importScripts in the worker).
      mainScriptUrlOrBlob: glue,
      locateFile: (file: string, prefix: string) =>
        file.endsWith('.worker.js') ? worker : prefix + file,
    }),
  );
  // As tfjs-backend-wasm's init() does (backend_wasm.js).
  module.tfjs = {
    init: module.cwrap('init', null, []),
    initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
    getThreadsCount: module.cwrap('get_threads_count', 'number', []),
    registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
    disposeData: module.cwrap('dispose_data', null, ['number']),
    dispose: module.cwrap('dispose', null, []),
  };
  return module;
}

/**
 * Re-registers 'wasm' on the threaded build with `threads` XNNPACK threads. Call before
 * tf.setBackend('wasm'); returns the thread count the backend reports once it is set.
 */
export async function useThreadedWasm(threads: number): Promise<number> {
  // Imported here: importing it registers 'wasm', which must wait for the backend selection.
  const { BackendWasm, getThreadsCount, setThreadsCount } =
    await import('@tensorflow/tfjs-backend-wasm');
  const registry = (tf.engine() as unknown as { registryFactory: Record<string, unknown> })
    .registryFactory;
  if ('wasm' in registry) tf.removeBackend('wasm');
  setThreadsCount(threads);
  tf.registerBackend(
    'wasm',
    async () => new BackendWasm((await initThreadedModule(threads)) as never),
    WASM_PRIORITY,
  );
  if (!(await tf.setBackend('wasm'))) throw new Error('threaded wasm backend failed to initialise');
  await tf.ready();
  return getThreadsCount();
}
