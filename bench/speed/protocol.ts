/**
 * Messages between the speed harness page and its benchmark workers (browser-safe). One worker
 * per measurement: onnxruntime-web's `numThreads` and tfjs-wasm's thread count are fixed when
 * their wasm module starts, so a fresh worker is the only clean way to change them.
 */
export type EngineName = 'ort-web' | 'tfjs-wasm';

export interface LatencyRequest {
  engine: EngineName;
  /** Threads asked for (ort: env.wasm.numThreads; tfjs: setThreadsCount). */
  threads: number;
  /** URL of the model directory (manifest.json, encoder.onnx, decoder.onnx). */
  modelBase: string;
  /** URL of the tfjs weights (config JSON + raw float32 blob), tfjs only. */
  tfjsWeightsBase?: string;
  warmup: number;
  iterations: number;
  /** Prompt points for the decoder: box corners plus this many clicks. */
  clicks: number;
  /** Run on the page's main thread instead of a worker (tfjs only). */
  onPage?: boolean;
}

export interface LatencySamples {
  engine: EngineName;
  threadsRequested: number;
  /** Threads the runtime actually uses, as it reports them. */
  threadsUsed: number;
  crossOriginIsolated: boolean;
  /** Session creation / model build, once. */
  loadMs: number;
  encoderMs: number[];
  decoderMs: number[];
  /** Max |value| of the first mask logits, so a run that produced nothing is noticed. */
  maskLogitMaxAbs: number;
  /** What the runtime reported about itself (feature flags, builds chosen). */
  notes: string[];
}

export type WorkerReply = { ok: true; samples: LatencySamples } | { ok: false; error: string };

/** Weights for the tfjs network, served by the harness server (see harness-server.ts). */
export interface TfjsWeightsHeader {
  config: unknown;
  tensors: Array<{ name: string; shape: number[]; offset: number; length: number }>;
}

/** The volume bench's propagation timing in a worker (bench/speed/ort-propagation-worker.ts). */
export interface PropagationRequest {
  modelBase: string;
  threads: number;
  size: number;
  depth: number;
  seed: number;
}

export interface PropagationTiming {
  threadsUsed: number;
  crossOriginIsolated: boolean;
  loadMs: number;
  slices: number;
  propagationMs: number;
  msPerSlice: number;
  per64SlicesMs: number;
  perSliceMs: PropagationSliceMs;
  /** CPU time of the Chromium processes for 64 slices (read by the bench from /proc; Linux). */
  per64SlicesCpuMs?: number | null;
  /** The same after encoding the slices ahead (volume-propagation-loop.ts propagationTime). */
  warm?: Record<string, unknown>;
  /** The cold propagation run a second time (V8's wasm tier-up done). */
  repeat?: Record<string, unknown>;
  volumeDice?: number;
}

export interface PropagationSliceMs {
  encoder: number;
  decoder: number;
  paste: number;
  loop: number;
  encoderPreprocess?: number;
  encoderRun?: number;
  decoderResample?: number;
  decoderRun?: number;
}

/**
 * Worker -> page `{ cpu: id }` asks for the Chromium processes' CPU time (the page asks the bench
 * through an exposed function); page -> worker `{ cpu: id, ms }` answers.
 */
export interface CpuQuery {
  cpu: number;
  ms?: number | null;
}

export type PropagationReply =
  { ok: true; timing: PropagationTiming } | { ok: false; error: string } | CpuQuery;
