/**
 * `window.__loupe`: read-only state the annotate page publishes for end-to-end tests and the
 * latency benchmark (task and image, model in use, each prediction and save with its timings).
 * The page writes it (apps/web components/annotate/loupe-test-hooks.ts); tests/e2e and
 * bench/speed read it through Playwright. Nothing in the app reads it.
 */
export interface LoupeTestHooks {
  /** The task's image is in the worker: prompts get proposals from now on. */
  ready: boolean;
  taskId: string | null;
  imageId: string | null;
  backend: string | null;
  threads: number | null;
  modelVersionId: string | null;
  modelVersion: number | null;
  /** "starting", "loading vN", "ready", or "failed: reason". */
  modelStatus: string;
  predictions: number;
  lastPrediction: {
    objectId: string;
    modelVersionId: string;
    version: number;
    kind: 'box' | 'click';
    encoderMs: number;
    decoderMs: number;
    workerMs: number;
    /** From the user's action to the mask drawn on screen. */
    proposalMs: number;
    encoderReused: boolean;
  } | null;
  latencies: { box: number[]; click: number[]; save: number[] };
  swaps: { from: number | null; to: number; at: number }[];
  lastSaveMs: number | null;
  savedObjects: number;
  /** Client ids of every interaction event this page recorded, in order. */
  recordedEventIds: string[];
  /** Events recorded and not yet acknowledged by the server (kept in IndexedDB meanwhile). */
  pendingEvents: number;
}

declare global {
  interface Window {
    __loupe?: LoupeTestHooks;
  }
}
