/**
 * `window.__loupe`: read-only state for end-to-end tests and the latency benchmark (model in use,
 * last prediction and its timings). Nothing in the app reads it.
 */
export interface LoupeTestHooks {
  ready: boolean;
  taskId: string | null;
  imageId: string | null;
  backend: string | null;
  threads: number | null;
  modelVersionId: string | null;
  modelVersion: number | null;
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
}

declare global {
  interface Window {
    __loupe?: LoupeTestHooks;
  }
}

export function testHooks(): LoupeTestHooks {
  window.__loupe ??= {
    ready: false,
    taskId: null,
    imageId: null,
    backend: null,
    threads: null,
    modelVersionId: null,
    modelVersion: null,
    modelStatus: 'starting',
    predictions: 0,
    lastPrediction: null,
    latencies: { box: [], click: [], save: [] },
    swaps: [],
    lastSaveMs: null,
    savedObjects: 0,
  };
  return window.__loupe;
}
