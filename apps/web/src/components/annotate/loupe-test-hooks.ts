/**
 * Writes `window.__loupe` (type: @loupe/contracts LoupeTestHooks), the read-only state end-to-end
 * tests and the latency benchmark watch. Every write goes through this file; nothing reads it.
 */
import type { LoupeTestHooks, PagePropagationTiming, ProposalBreakdown } from '@loupe/contracts';

function testHooks(): LoupeTestHooks {
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
    frameLatencies: { box: [], click: [] },
    breakdowns: [],
    swaps: [],
    lastSaveMs: null,
    savedObjects: 0,
    recordedEventIds: [],
    pendingEvents: 0,
  };
  return window.__loupe;
}

/** A task is opening: its image is not in the worker yet. */
export function publishTaskOpening(taskId: string, imageId: string): void {
  Object.assign(testHooks(), { taskId, imageId, ready: false });
}

/** The task's image is in the worker; prompts get proposals from now on. */
export function publishImageReady(): void {
  testHooks().ready = true;
}

/** A proposal reached the screen. */
export function publishPrediction(prediction: NonNullable<LoupeTestHooks['lastPrediction']>): void {
  const hooks = testHooks();
  hooks.predictions += 1;
  hooks.latencies[prediction.kind].push(prediction.proposalMs);
  hooks.lastPrediction = prediction;
}

/** The frame after a proposal reached the canvas started; `breakdown` says where its time went. */
export function publishProposalFrame(breakdown: ProposalBreakdown): void {
  const hooks = testHooks();
  if (breakdown.frameMs !== null) hooks.frameLatencies[breakdown.kind].push(breakdown.frameMs);
  hooks.breakdowns.push(breakdown);
  if (hooks.breakdowns.length > 1000) hooks.breakdowns.splice(0, hooks.breakdowns.length - 1000);
}

/** An interaction event was recorded (its client id). */
export function publishEventRecorded(clientEventId: string): void {
  testHooks().recordedEventIds.push(clientEventId);
}

/** Events recorded and not yet acknowledged by the server. */
export function publishEventsPending(pending: number): void {
  testHooks().pendingEvents = pending;
}

/** An object was saved, `saveMs` after the request left. */
export function publishSave(saveMs: number): void {
  const hooks = testHooks();
  hooks.lastSaveMs = saveMs;
  hooks.latencies.save.push(saveMs);
  hooks.savedObjects += 1;
}

type ModelHooks = Pick<
  LoupeTestHooks,
  'backend' | 'threads' | 'modelStatus' | 'modelVersionId' | 'modelVersion'
>;

/** The worker's backend and the model it serves, as the model badge shows them. */
export function publishModelState(state: Partial<ModelHooks>): void {
  Object.assign(testHooks(), state);
}

/** The worker swapped models (null: the first one loaded). */
export function publishSwap(from: number | null, to: number): void {
  testHooks().swaps.push({ from, to, at: Date.now() });
}

/** A propagation on the volume page finished (or was cancelled). */
export function publishPropagation(timing: PagePropagationTiming): void {
  const hooks = testHooks();
  (hooks.propagations ??= []).push(timing);
}

/** The worker encoded one more volume slice ahead. */
export function publishEncodedAhead(): void {
  const hooks = testHooks();
  hooks.encodedAhead = (hooks.encodedAhead ?? 0) + 1;
}
