'use client';
/**
 * Edits of the volume page's objects (volume-state.ts) with an undo stack: a box or clicks on the
 * slice on screen ask the worker for a mask there, strokes paint it; Propagate carries the active
 * object through the volume (propagateVolume from libs/prompts, the whole loop inside the worker:
 * it asks the page for the slices it needs and sends back one cropped mask per slice), with
 * progress and cancel, and again from a slice whose propagated mask is corrected with a box or
 * clicks. While the annotator scrolls or idles the worker encodes the slices around the seed
 * ahead, so Propagate starts warm. Accept saves the object on every slice it covers
 * (volumes.saveObject).
 * Events go to the slice task they happened on.
 */
import {
  dilatedBox,
  encodeMaskBytes,
  type Box,
  type BrushStroke,
  type MaskLogits,
  type Point,
  type PropagationResult,
} from '@loupe/prompts';
import { useCallback, useEffect, useRef, useState } from 'react';
import { regionToMask } from '../../worker/mask-region';
import { errorMessage, useToast } from '../toast';
import { useTRPCClient } from '../trpc';
import { defaultOutput } from './annotation-state';
import { setMaskBounds } from './mask-bounds';
import { bytesToBase64 } from './base64';
import {
  publishEncodedAhead,
  publishPrediction,
  publishPropagation,
  publishSave,
} from './loupe-test-hooks';
import type { EventDetails } from './use-interaction-events';
import type { Predictions } from './use-predictions';
import type { LoadedImage } from './use-task-session';
import type { VolumeSession } from './use-volume-session';
import {
  activeVolumeObject,
  applyPropagation,
  largestSlice,
  markVolumeObjectAccepted,
  objectForNewBox,
  paintSlice,
  removeVolumeObject,
  selectVolumeObject,
  setPromptResult,
  sliceMasks,
  type VolumeState,
} from './volume-state';
import type { InteractionType } from '@loupe/contracts';

const UNDO_LIMIT = 100;
/** The slice on screen must stay this long before the worker encodes around it. */
const AHEAD_DELAY_MS = 150;

/** Output `index`'s logits and crop from a worker result (propagation's next mask prompt). */
function outputLogits(
  result: { lowResLogits: Float32Array[]; maskSize: number; crop: MaskLogits['crop'] },
  index: number,
): MaskLogits | null {
  const values = result.lowResLogits[index];
  return values ? { values, maskSize: result.maskSize, crop: result.crop } : null;
}

export interface PropagationProgress {
  done: number;
  total: number;
  slice: number;
}

export interface PropagationSummary {
  from: number;
  slices: number;
  cleared: number;
  stops: PropagationResult['stops'];
  ms: number;
}

export function useVolumeEditing(options: {
  projectId: string;
  volume: VolumeSession;
  predictOn: Predictions['predictOn'];
  clientRef: Predictions['clientRef'];
  recordFor: (taskId: string, type: InteractionType, details?: EventDetails) => void;
  flush: () => Promise<void>;
  busy: string | null;
  setBusy: (busy: string | null) => void;
}) {
  const { projectId, volume, predictOn, clientRef, recordFor, flush, busy, setBusy } = options;
  const client = useTRPCClient();
  const toast = useToast();
  const [stack, setStack] = useState<{
    past: VolumeState[];
    present: VolumeState | null;
    future: VolumeState[];
  }>({ past: [], present: null, future: [] });
  const stateRef = useRef<VolumeState | null>(null);
  stateRef.current = stack.present;
  const [progress, setProgress] = useState<PropagationProgress | null>(null);
  const [lastRun, setLastRun] = useState<PropagationSummary | null>(null);
  const cancelRef = useRef<(() => void) | null>(null);
  /** The worker's client, answering its slice requests from the volume's SliceCache. */
  const sliceImage = volume.sliceImage;
  const workerClient = useCallback(() => {
    const worker = clientRef.current;
    worker?.setSliceSource(async (_volumeId, k) => {
      const image: LoadedImage = await sliceImage(k);
      const valueSlope = volume.view?.slices.find((s) => s.imageId === image.id)?.values.slope;
      return {
        imageId: image.id,
        width: image.width,
        height: image.height,
        bitDepth: image.bitDepth,
        samples: image.samples,
        ...(valueSlope !== undefined ? { valueSlope } : {}),
      };
    });
    worker?.setAheadListener(publishEncodedAhead);
    return worker;
  }, [clientRef, sliceImage, volume.view]);
  /**
   * The logits of the model output behind each slice's mask, by `${objectId}:${slice}`, with that
   * mask: propagation's mask prompt from there, valid while the slice still holds that very mask
   * (a stroke or another prediction replaces it). 'worker': a propagated mask, whose logits the
   * worker kept.
   */
  const logitsRef = useRef(new Map<string, { mask: Uint8Array; logits: MaskLogits | 'worker' }>());
  const keepLogits = useCallback(
    (objectId: string, k: number, mask: Uint8Array, logits: MaskLogits | 'worker' | null) => {
      const key = `${objectId}:${k}`;
      if (logits) logitsRef.current.set(key, { mask, logits });
      else logitsRef.current.delete(key);
    },
    [],
  );
  const logitsOf = useCallback((objectId: string, k: number, mask: Uint8Array | undefined) => {
    const kept = logitsRef.current.get(`${objectId}:${k}`);
    return kept && kept.mask === mask ? kept.logits : null;
  }, []);

  /** The newest propagate (a correction calls it from inside promptSlice). */
  const propagateRef = useRef<((fromSlice?: number) => Promise<void>) | null>(null);

  const commitState = useCallback((next: VolumeState) => {
    setStack((s) =>
      s.present === next
        ? s
        : {
            past: s.present ? [...s.past, s.present].slice(-UNDO_LIMIT) : s.past,
            present: next,
            future: [],
          },
    );
    stateRef.current = next;
  }, []);
  /** Replaces the present without an undo step (a freshly opened volume, a save). */
  const resetState = useCallback((next: VolumeState) => {
    setStack({ past: [], present: next, future: [] });
    stateRef.current = next;
  }, []);

  const record = useCallback(
    (type: InteractionType, details?: EventDetails) => {
      const slice = volume.slice;
      if (slice) recordFor(slice.taskId, type, details);
    },
    [recordFor, volume.slice],
  );

  /** Runs the model on the slice on screen and stores the chosen output there. */
  const promptSlice = useCallback(
    async (
      objectId: string,
      box: Box | null,
      clicks: { x: number; y: number; positive: boolean }[],
      kind: 'box' | 'click',
    ) => {
      const image = volume.image;
      const k = volume.sliceIndex;
      if (!image || !volume.sliceShown) return;
      const t0 = performance.now();
      try {
        const result = await predictOn(image, objectId, box, clicks);
        const chosen = defaultOutput(result.iouPredictions, clicks.length);
        const region = result.masks[chosen] ?? result.masks[0];
        const state = stateRef.current;
        if (!region || !state) return;
        // The volume keeps full-slice masks (propagation reads them); the box comes along.
        const mask = regionToMask(region, result.width, result.height);
        setMaskBounds(mask, region.bounds);
        const object = state.objects.find((o) => o.id === objectId);
        const before = object?.slices.get(k);
        // A box on a slice propagation missed (or where the object was ended) corrects it too,
        // once the object has been propagated (bench:volume's annotator counts it so).
        const corrects = before
          ? before.origin !== 'prompted'
          : [...(object?.slices.values() ?? [])].some((s) => s.origin === 'propagated');
        keepLogits(objectId, k, mask, outputLogits(result, chosen));
        commitState(
          setPromptResult(state, objectId, k, { box, clicks }, mask, result.modelVersionId),
        );
        // A correction of a propagated slice re-propagates from there (never over annotated slices).
        if (corrects) void propagateRef.current?.(k);
        const proposalMs = performance.now() - t0;
        const { encoderMs, decoderMs, totalMs: workerMs } = result.timings;
        publishPrediction({
          objectId,
          modelVersionId: result.modelVersionId,
          version: result.version,
          kind,
          encoderMs,
          decoderMs,
          workerMs,
          proposalMs,
          encoderReused: result.encoderReused,
        });
        record('PROPOSAL_SHOWN', {
          objectId,
          latencyMs: proposalMs,
          modelVersionId: result.modelVersionId,
          payload: {
            kind,
            slice: k,
            encoderMs,
            decoderMs,
            workerMs,
            iouPredictions: result.iouPredictions,
          },
        });
      } catch (error) {
        toast.error(`Prediction failed: ${errorMessage(error)}`);
      }
    },
    [
      commitState,
      keepLogits,
      predictOn,
      record,
      toast,
      volume.image,
      volume.sliceIndex,
      volume.sliceShown,
    ],
  );

  const onBox = useCallback(
    (box: Box) => {
      const state = stateRef.current;
      if (!state || progress) return;
      const { state: next, objectId } = objectForNewBox(state);
      if (next !== state) commitState(next);
      record('BOX', { objectId, payload: { box, slice: volume.sliceIndex } });
      void promptSlice(objectId, box, [], 'box');
    },
    [commitState, progress, promptSlice, record, volume.sliceIndex],
  );

  /** A click refines the active object on this slice (a correction when the slice was propagated). */
  const onClick = useCallback(
    (point: Point, positive: boolean) => {
      const state = stateRef.current;
      if (!state || progress) return;
      const target = objectForNewBox(state);
      const objectId = target.objectId;
      const active = target.state.objects.find((o) => o.id === objectId);
      const existing = active?.slices.get(volume.sliceIndex);
      const box =
        existing?.box ??
        (existing
          ? // Grown, not propagation's shrunk box: the click may add to the mask.
            dilatedBox({ width: state.width, height: state.height, data: existing.mask }, 0.08, 2)
          : null);
      const clicks = [...(existing?.clicks ?? []), { x: point.x, y: point.y, positive }];
      if (target.state !== state) commitState(target.state);
      record(positive ? 'POSITIVE_POINT' : 'NEGATIVE_POINT', {
        objectId,
        payload: { x: point.x, y: point.y, slice: volume.sliceIndex },
      });
      void promptSlice(objectId, box, clicks, 'click');
    },
    [commitState, progress, promptSlice, record, volume.sliceIndex],
  );

  const onStroke = useCallback(
    (stroke: BrushStroke) => {
      const state = stateRef.current;
      if (!state || progress || !volume.sliceShown) return;
      const next = paintSlice(state, volume.sliceIndex, stroke);
      commitState(next);
      record(stroke.mode === 'brush' ? 'BRUSH_STROKE' : 'ERASER_STROKE', {
        objectId: next.activeId,
        payload: {
          radius: stroke.radius,
          slice: volume.sliceIndex,
          points: stroke.points.slice(0, 200),
        },
      });
    },
    [commitState, progress, record, volume.sliceIndex, volume.sliceShown],
  );

  /**
   * Propagates the active object from the slice on screen (if it has a mask there), else from the
   * slice where it is largest. Slices the annotator prompted or edited are never overwritten.
   */
  const propagate = useCallback(
    async (fromSlice?: number) => {
      const state = stateRef.current;
      const view = volume.view;
      const object = state ? activeVolumeObject(state) : null;
      if (!state || !view || !object || progress || busy) return;
      const here = fromSlice ?? volume.sliceIndex;
      const from = object.slices.has(here) ? here : largestSlice(object);
      if (from === null) {
        toast.info('Draw a box on a slice first, then propagate.');
        return;
      }
      const worker = workerClient();
      if (!worker) {
        toast.error('Propagation failed: the model is not loaded yet');
        return;
      }
      const seed = object.slices.get(from)?.mask;
      const kept = logitsOf(object.id, from, seed);
      setProgress({ done: 0, total: view.depth, slice: from });
      const started = performance.now();
      try {
        // The loop runs in the worker (libs/prompts propagateVolume, contrast stop included); it
        // needs full masks only where the annotator made them (and the seed), the propagated
        // slices only by where they are.
        const run = worker.propagate(
          {
            volumeId: view.id,
            objectId: object.id,
            width: state.width,
            height: state.height,
            depth: state.depth,
            from,
            slices: [...sliceMasks(object, state.width * state.height)].map(([k, s]) => ({
              slice: k,
              origin: s.origin,
              mask: k === from || s.origin !== 'propagated' ? s.mask : new Uint8Array(0),
            })),
            seedLogits: kept === 'worker' ? null : kept,
            seedFromWorker: kept === 'worker',
          },
          setProgress,
        );
        cancelRef.current = run.cancel;
        const out = await run.result;
        const masks = new Map<number, Uint8Array>();
        for (const { slice, region } of out.masks) {
          const mask = regionToMask(region, state.width, state.height);
          setMaskBounds(mask, region.bounds);
          masks.set(slice, mask);
          keepLogits(object.id, slice, mask, 'worker');
        }
        const result = {
          masks,
          cleared: out.cleared,
          stops: out.stops,
          predictions: out.predictions,
        };
        const modelVersionId = out.modelVersionId;
        const latest = stateRef.current ?? state;
        commitState(
          applyPropagation(latest, object.id, from, result.masks, result.cleared, modelVersionId),
        );
        const ms = performance.now() - started;
        setLastRun({
          from,
          slices: result.masks.size,
          cleared: result.cleared.length,
          stops: result.stops,
          ms,
        });
        publishPropagation({
          from,
          predictions: out.predictions,
          slices: masks.size,
          pageMs: ms,
          workerMs: out.timings.totalMs,
          encoderMs: out.timings.encoderMs,
          decoderMs: out.timings.decoderMs,
          waitSliceMs: out.timings.waitSliceMs,
          embeddingsReused: out.embeddingsReused,
          embeddingsEncoded: out.embeddingsEncoded,
          cancelled: out.stops.some((s) => s.reason === 'cancelled'),
        });
        recordFor(view.slices[from]?.taskId ?? '', 'PROPOSAL_SHOWN', {
          objectId: object.id,
          latencyMs: ms,
          modelVersionId,
          payload: {
            kind: 'propagation',
            from,
            slices: [...result.masks.keys()],
            cleared: result.cleared,
            stops: result.stops,
            predictions: result.predictions,
            workerMs: out.timings.totalMs,
            embeddingsReused: out.embeddingsReused,
          },
        });
      } catch (error) {
        toast.error(`Propagation failed: ${errorMessage(error)}`);
      } finally {
        cancelRef.current = null;
        setProgress(null);
      }
    },
    [busy, commitState, keepLogits, logitsOf, progress, recordFor, toast, volume, workerClient],
  );

  propagateRef.current = propagate;
  const cancelPropagation = useCallback(() => cancelRef.current?.(), []);

  // Encode ahead: whenever the annotator rests on a slice (scrolling, idle, after a prompt), the
  // worker encodes the slices propagation from there would visit first, in the crop of the box it
  // would prompt the next slice with (propagateVolume's dilatedBox of the seed mask).
  const aheadState = stack.present;
  const aheadIndex = volume.sliceIndex;
  const aheadVolume = volume.view;
  useEffect(() => {
    if (progress || !aheadState || !aheadVolume) return;
    const object = activeVolumeObject(aheadState);
    if (!object) return;
    const from = object.slices.has(aheadIndex) ? aheadIndex : largestSlice(object);
    const mask = from === null ? undefined : object.slices.get(from)?.mask;
    if (from === null || !mask) return;
    const timer = setTimeout(() => {
      const worker = workerClient();
      const box = dilatedBox({ width: aheadState.width, height: aheadState.height, data: mask });
      if (worker && box) worker.encodeAhead(aheadVolume.id, aheadState.depth, from, box);
    }, AHEAD_DELAY_MS);
    return () => clearTimeout(timer);
  }, [aheadIndex, aheadState, aheadVolume, progress, workerClient]);

  /** Saves the active object on every slice it covers. */
  const accept = useCallback(async () => {
    const state = stateRef.current;
    const view = volume.view;
    const object = state ? activeVolumeObject(state) : null;
    if (!state || !view || busy || progress) return;
    if (!object || object.accepted || object.slices.size === 0) {
      toast.info('Nothing to accept yet: draw a box on a slice, then propagate.');
      return;
    }
    const { width, height } = state;
    const encode = (data: Uint8Array) => bytesToBase64(encodeMaskBytes({ width, height, data }));
    setBusy('Saving…');
    await flush();
    const started = performance.now();
    try {
      const slices = [...object.slices].map(([sliceIndex, s]) => ({
        sliceIndex,
        finalRle: encode(s.mask),
        proposalRle: s.proposal ? encode(s.proposal) : null,
        origin: s.origin,
        propagatedFrom: s.propagatedFrom,
        clicks: s.clicks.length,
        brushStrokes: s.strokes,
      }));
      const saved = await client.volumes.saveObject.mutate({
        projectId,
        volumeId: view.id,
        objectId: object.id,
        modelVersionId: object.modelVersionId,
        activeSeconds: (Date.now() - object.startedAt) / 1000,
        slices,
        ends: [...object.ends],
      });
      const saveMs = performance.now() - started;
      publishSave(saveMs);
      record('ACCEPT', {
        objectId: object.id,
        modelVersionId: object.modelVersionId,
        payload: { ...saved, saveMs, volume: true },
      });
      resetState(markVolumeObjectAccepted(stateRef.current ?? state, object.id));
      toast.success(`Object saved on ${saved.slices} slices (${saved.area} px)`);
    } catch (error) {
      toast.error(errorMessage(error));
    } finally {
      setBusy(null);
    }
  }, [busy, client, flush, progress, projectId, record, resetState, setBusy, toast, volume.view]);

  /** Deletes the active object (on the server too, from every slice, if it was saved). */
  const discard = useCallback(async () => {
    const state = stateRef.current;
    const view = volume.view;
    const object = state ? activeVolumeObject(state) : null;
    if (!state || !view || !object || progress) return;
    try {
      if (object.accepted)
        await client.volumes.removeObject.mutate({
          projectId,
          volumeId: view.id,
          objectId: object.id,
        });
      commitState(removeVolumeObject(state, object.id));
      record('REJECT', { objectId: object.id, payload: { deleted: object.accepted } });
    } catch (error) {
      toast.error(errorMessage(error));
    }
  }, [client, commitState, progress, projectId, record, toast, volume.view]);

  const undo = useCallback(() => {
    if (progress) return;
    setStack((s) => {
      const previous = s.past[s.past.length - 1];
      if (!previous || !s.present) return s;
      stateRef.current = previous;
      return { past: s.past.slice(0, -1), present: previous, future: [s.present, ...s.future] };
    });
    record('UNDO');
  }, [progress, record]);
  const redo = useCallback(() => {
    if (progress) return;
    setStack((s) => {
      const next = s.future[0];
      if (!next || !s.present) return s;
      stateRef.current = next;
      return { past: [...s.past, s.present], present: next, future: s.future.slice(1) };
    });
    record('REDO');
  }, [progress, record]);

  const select = useCallback((objectId: string) => {
    const state = stateRef.current;
    if (!state) return;
    const next = selectVolumeObject(state, objectId);
    stateRef.current = next;
    setStack((s) => ({ ...s, present: next }));
  }, []);

  return {
    state: stack.present,
    canUndo: stack.past.length > 0,
    canRedo: stack.future.length > 0,
    resetState,
    onBox,
    onClick,
    onStroke,
    propagate,
    cancelPropagation,
    progress,
    lastRun,
    accept,
    discard,
    undo,
    redo,
    select,
  };
}

export type VolumeEditing = ReturnType<typeof useVolumeEditing>;
