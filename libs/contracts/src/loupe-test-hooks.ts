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
  /**
   * From the user's action to the start of the first animation frame after the mask is in the
   * on-screen canvas (when the mask is drawn inside an animation frame: that frame, = latencies).
   */
  frameLatencies: { box: number[]; click: number[] };
  /** Per proposal shown (newest last, at most 1,000): where its milliseconds went. */
  breakdowns: ProposalBreakdown[];
  swaps: { from: number | null; to: number; at: number }[];
  lastSaveMs: number | null;
  savedObjects: number;
  /** Client ids of every interaction event this page recorded, in order. */
  recordedEventIds: string[];
  /** Events recorded and not yet acknowledged by the server (kept in IndexedDB meanwhile). */
  pendingEvents: number;
  /** The volume page's propagations (newest last): from Propagate to the masks in the state. */
  propagations?: PagePropagationTiming[];
  /** Volume slices the worker encoded ahead so far (the page counts its encodedAhead messages). */
  encodedAhead?: number;
}

/** One Propagate on the volume page, timed on the page and in the worker. */
export interface PagePropagationTiming {
  from: number;
  /** Model runs (slices predicted). */
  predictions: number;
  /** New propagated slices. */
  slices: number;
  /** Page: Propagate pressed -> the result in the page's state. */
  pageMs: number;
  /** Worker: the loop itself (propagateVolume), of pageMs. */
  workerMs: number;
  encoderMs: number;
  decoderMs: number;
  /** Worker time spent waiting for slices the page had to send. */
  waitSliceMs: number;
  /** Slices whose crop embedding was already in the worker (encoded ahead or by a run before). */
  embeddingsReused: number;
  embeddingsEncoded: number;
  cancelled: boolean;
}

/** One proposal's latency, split at the points the page and the worker can time. */
export interface ProposalBreakdown {
  kind: 'box' | 'click';
  /** Action -> mask in the on-screen canvas (= latencies[kind]). */
  proposalMs: number;
  /** Action -> start of the frame that shows it (= frameLatencies[kind]). */
  frameMs: number | null;
  /** Page, action -> request posted to the worker (state update, event recording). */
  beforePostMs: number;
  /** Request posted -> worker starts on it (messaging, a busy worker). */
  requestMessageMs: number;
  /** Worker, request -> result posted (encoderMs + modelDecoderMs + pasteMs + the rest). */
  workerMs: number;
  encoderMs: number;
  /** The decoder session run alone. */
  modelDecoderMs: number;
  /** Pasting the crop's masks into image pixels, forcing the clicks. */
  pasteMs: number;
  /** Result posted -> the page receives it. */
  resultMessageMs: number;
  /** Page, result received -> drawing starts (state, React render, waiting for a frame). */
  beforeDrawMs: number;
  /** Drawing the frame (overlays built for new masks included). */
  drawMs: number;
}

declare global {
  interface Window {
    __loupe?: LoupeTestHooks;
  }
}
