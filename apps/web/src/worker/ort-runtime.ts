/**
 * Backend choice in one place: WebGPU when the browser has an adapter, wasm otherwise.
 * onnxruntime-web's wasm files are served from /ort/ (copied there by scripts/build-worker.ts);
 * `numThreads` must be set before the first session is created, and threads need a
 * cross-origin isolated page (COOP/COEP headers, see next.config.ts); the count is libs/model's
 * ortThreadsFor.
 */
import { ortThreadsFor } from '@loupe/model';
import type * as OrtNamespace from 'onnxruntime-web';

export type Ort = typeof OrtNamespace;
export type Backend = 'webgpu' | 'wasm';

export interface OrtRuntime {
  ort: Ort;
  backend: Backend;
  threads: number;
  executionProviders: string[];
}

async function hasWebGpu(): Promise<boolean> {
  const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  if (!gpu) return false;
  try {
    return (await gpu.requestAdapter()) !== null;
  } catch {
    return false; // no usable adapter: fall back to wasm
  }
}

export async function createOrtRuntime(preferWebGpu: boolean): Promise<OrtRuntime> {
  const webgpu = preferWebGpu && (await hasWebGpu());
  const ort: Ort = webgpu
    ? await import('onnxruntime-web/webgpu')
    : await import('onnxruntime-web/wasm');
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
  const threads = isolated ? ortThreadsFor(navigator.hardwareConcurrency || 1) : 1;
  ort.env.wasm.wasmPaths = `${self.location.origin}/ort/`;
  ort.env.wasm.numThreads = threads;
  ort.env.wasm.proxy = false; // already in a worker
  ort.env.logLevel = 'error';
  return {
    ort,
    backend: webgpu ? 'webgpu' : 'wasm',
    threads,
    executionProviders: webgpu ? ['webgpu', 'wasm'] : ['wasm'],
  };
}
