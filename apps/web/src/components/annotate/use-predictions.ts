'use client';
/**
 * The in-browser model for the page: the worker and its hot-swapped model (use-model-runtime.ts),
 * the image the worker holds, and proposals for prompts. Every call into the inference client is
 * here. A proposal's timing and its PROPOSAL_SHOWN event come from the frame that draws it.
 */
import type { ProposalBreakdown, ProposalShownPayload } from '@loupe/contracts';
import type { Box, ClickPrompt, MaskLogits } from '@loupe/prompts';
import { useCallback, useRef, useState } from 'react';
import type { PredictionResult } from '../../worker/protocol';
import { errorMessage, useToast } from '../toast';
import { applyProposal, patch, promptKey, type AnnotationState } from './annotation-state';
import { publishPrediction, publishProposalFrame } from './loupe-test-hooks';
import type { AnnotationHistory } from './use-annotation-history';
import type { RecordEvent } from './use-interaction-events';
import { useModelRuntime } from './use-model-runtime';
import type { LoadedImage } from './use-task-session';
import type { DrawnFrame } from './viewer-canvas';

/** A user-timing span (shows in a Chromium trace as blink.user_timing). */
export function measureSpan(name: string, start: number, end = performance.now()): void {
  try {
    performance.measure(name, { start, end });
  } catch {
    // performance.measure is informational only.
  }
}

export type PromptKind = 'box' | 'click';

export interface ProposalLatency {
  /** From the annotator's action to the frame that shows the mask. */
  proposalMs: number;
  encoderMs: number;
  decoderMs: number;
  kind: PromptKind;
  version: number;
}

export function usePredictions(options: {
  projectId: string;
  /** The image prompts refer to (null while a task opens). */
  image: LoadedImage | null;
  store: AnnotationHistory;
  record: RecordEvent;
  /**
   * Draws a state at once (the viewer's drawNow): a proposal is drawn when it arrives, not after
   * React has rendered it and a frame has been waited for.
   */
  showNow?: (state: AnnotationState) => void;
}) {
  const { projectId, image, store, record, showNow } = options;
  const { historyRef, setHistory } = store;
  const toast = useToast();
  const model = useModelRuntime(
    projectId,
    (from, to) => {
      if (from !== null && from !== to)
        toast.info(`Model updated: v${from} → v${to} (no reload needed)`);
    },
    (message) => toast.error(message),
  );
  const [latency, setLatency] = useState<ProposalLatency | null>(null);
  /** A proposal waiting to be drawn: PROPOSAL_SHOWN is recorded from the frame that shows it. */
  const pendingShown = useRef<{
    result: PredictionResult;
    kind: PromptKind;
    t0: number;
    /** performance.now() when the request was posted to the worker. */
    requestedAt: number;
  } | null>(null);

  /** The image the worker holds (the volume page moves it from slice to slice). */
  const workerImage = useRef<string | null>(null);

  /** Hands the worker its own copy of the samples (the transfer empties the buffer sent). */
  const setImage = useCallback(
    async (loaded: LoadedImage) => {
      const worker = model.clientRef.current;
      if (!worker) return;
      const copy = loaded.samples.slice().buffer as ArrayBuffer;
      workerImage.current = null;
      await worker.setImage(loaded.id, loaded.width, loaded.height, loaded.bitDepth, copy);
      workerImage.current = loaded.id;
    },
    [model.clientRef],
  );

  /**
   * The volume page's call: puts `loaded` in the worker unless it is there already, and returns the
   * worker's masks as they are (the caller owns what happens to them; no history, no events).
   * `maskPrompt`: propagation's previous-slice logits (in their own crop).
   */
  const predictOn = useCallback(
    async (
      loaded: LoadedImage,
      objectId: string,
      box: Box | null,
      clicks: ClickPrompt[],
      maskPrompt: MaskLogits | null = null,
    ) => {
      const worker = model.clientRef.current;
      if (!worker) throw new Error('the model is not loaded yet');
      if (workerImage.current !== loaded.id) await setImage(loaded);
      return worker.predict(loaded.id, objectId, box, clicks, null, maskPrompt);
    },
    [model.clientRef, setImage],
  );

  /**
   * Asks for a proposal; it lands in the history only if the object's prompts are unchanged.
   * `shownOutput`: the output of the proposal on screen before these prompts (the worker uses its
   * logits as the mask prompt when the prompts add one click to it). Settles once the result was
   * applied and drawn, or failed (never rejects).
   */
  const predict = useCallback(
    (
      objectId: string,
      box: Box | null,
      clicks: ClickPrompt[],
      kind: PromptKind,
      t0: number,
      shownOutput: number | null = null,
    ) => {
      const worker = model.clientRef.current;
      if (!worker || !image) return Promise.resolve();
      const key = promptKey(box, clicks);
      const requestedAt = performance.now();
      return worker
        .predict(image.id, objectId, box, clicks, shownOutput)
        .then((result) => {
          // Crop-sized masks (their bounding boxes): nothing here walks the whole image.
          const before = historyRef.current.present;
          setHistory((h) =>
            patch(
              h,
              applyProposal(h.present, objectId, key, {
                masks: result.masks,
                outputsReady: result.outputsReady,
                iouPredictions: result.iouPredictions,
                modelVersionId: result.modelVersionId,
                version: result.version,
              }),
            ),
          );
          // Timed when the viewer draws the frame that shows this proposal (see onFrame).
          pendingShown.current = { result, kind, t0, requestedAt };
          // setHistory updated the ref already: draw it now (React renders it after).
          const after = historyRef.current.present;
          if (showNow && after !== before) showNow(after);
        })
        .catch((error: unknown) => toast.error(`Prediction failed: ${errorMessage(error)}`));
    },
    [historyRef, image, model.clientRef, setHistory, showNow, toast],
  );

  /** The object was saved: the worker may drop its cached embedding. */
  const forgetObject = useCallback(
    (objectId: string) => model.clientRef.current?.forgetObject(objectId),
    [model.clientRef],
  );

  /** The viewer drew a frame: if it shows the pending proposal, time it and record it. */
  const onFrame = useCallback(
    (frame: DrawnFrame) => {
      const pending = pendingShown.current;
      if (!pending) return;
      const shown = frame.active;
      // Only once the drawn state holds this result (a stale result never shows; it is dropped).
      if (shown?.proposal?.masks !== pending.result.masks) {
        if (!shown || shown.id !== pending.result.objectId) pendingShown.current = null;
        return;
      }
      pendingShown.current = null;
      const { result, kind, t0, requestedAt } = pending;
      const drawnAt = performance.now();
      const proposalMs = drawnAt - t0;
      const { encoderMs, decoderMs, totalMs: workerMs } = result.timings;
      measureSpan(`loupe.${kind}`, t0, drawnAt);
      const receivedAt = result.receivedAt ?? drawnAt;
      const pasteMs = result.timings.pasteMs ?? 0;
      const epoch = (t: number) => performance.timeOrigin + t;
      const breakdown: ProposalBreakdown = {
        kind,
        proposalMs,
        frameMs: null,
        beforePostMs: requestedAt - t0,
        requestMessageMs: (result.timings.receivedAt ?? epoch(requestedAt)) - epoch(requestedAt),
        workerMs,
        encoderMs,
        modelDecoderMs: decoderMs - pasteMs,
        pasteMs,
        resultMessageMs: epoch(receivedAt) - (result.timings.postedAt ?? epoch(receivedAt)),
        beforeDrawMs: frame.startedAt - receivedAt,
        drawMs: drawnAt - frame.startedAt,
      };
      if (frame.inAnimationFrame) publishProposalFrame({ ...breakdown, frameMs: proposalMs });
      else
        requestAnimationFrame(() => {
          const frameAt = performance.now();
          measureSpan(`loupe.${kind}.frame`, t0, frameAt);
          publishProposalFrame({ ...breakdown, frameMs: frameAt - t0 });
        });
      publishPrediction({
        objectId: result.objectId,
        modelVersionId: result.modelVersionId,
        version: result.version,
        kind,
        encoderMs,
        decoderMs,
        workerMs,
        proposalMs,
        encoderReused: result.encoderReused,
      });
      setLatency({ proposalMs, encoderMs, decoderMs, kind, version: result.version });
      record('PROPOSAL_SHOWN', {
        objectId: result.objectId,
        latencyMs: proposalMs,
        modelVersionId: result.modelVersionId,
        payload: {
          kind,
          maskPrompt: result.maskPrompt,
          encoderMs,
          decoderMs,
          workerMs,
          encoderReused: result.encoderReused,
          iouPredictions: result.iouPredictions,
        } satisfies ProposalShownPayload,
      });
    },
    [record],
  );

  return {
    runtime: model.state,
    latency,
    setImage,
    predict,
    predictOn,
    forgetObject,
    onFrame,
    /** The worker's client (the volume page's propagation and encode-ahead talk to it). */
    clientRef: model.clientRef,
  };
}

export type Predictions = ReturnType<typeof usePredictions>;
