'use client';
/**
 * Edits of the page's objects: a box starts an object, clicks refine it (each asks the model for a
 * proposal), brush and eraser strokes paint it; choosing a proposal output, selection, undo and
 * redo. Edits are committed to the history and recorded; clicks and strokes are counted per object
 * for the save. A task starts from its saved objects.
 */
import { decodeMaskBytes, type Box, type BrushStroke, type Point } from '@loupe/prompts';
import { useCallback, useRef } from 'react';
import {
  activeObject,
  addClick,
  addStroke,
  chooseOutput,
  commit,
  initialHistory,
  loadedObject,
  patch,
  redo,
  selectObject,
  setBox,
  undo,
} from './annotation-state';
import { base64ToBytes } from './base64';
import type { AnnotationHistory } from './use-annotation-history';
import type { RecordEvent } from './use-interaction-events';
import type { Predictions } from './use-predictions';

export interface ObjectEffort {
  clicks: number;
  strokes: number;
}

/**
 * A click's own render and event wait for its result at most this long (a slow or failed
 * prediction still shows the click).
 */
export const CLICK_RENDER_WAIT_MS = 100;

/** Resolves when `settles` does or after `ms`, whichever is first. */
function whicheverFirst(settles: Promise<unknown>, ms: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    void settles.finally(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Where a command came from. Only keyboard choices and undo/redo have ever been recorded. */
export type CommandSource = 'key' | 'button';

export function usePromptEditing(options: {
  store: AnnotationHistory;
  record: RecordEvent;
  predict: Predictions['predict'];
  /** The model serving now (its id goes with the prompt events). */
  modelVersionId: string | null;
}) {
  const { store, record, predict, modelVersionId } = options;
  const { historyRef, setHistory } = store;
  const effort = useRef(new Map<string, ObjectEffort>());
  const effortOf = useCallback(
    (objectId: string) => effort.current.get(objectId) ?? { clicks: 0, strokes: 0 },
    [],
  );
  const count = (objectId: string, add: Partial<ObjectEffort>) => {
    const now = effortOf(objectId);
    effort.current.set(objectId, {
      clicks: now.clicks + (add.clicks ?? 0),
      strokes: now.strokes + (add.strokes ?? 0),
    });
  };

  const onBox = useCallback(
    (box: Box) => {
      const t0 = performance.now();
      const next = setBox(historyRef.current.present, box);
      const object = activeObject(next);
      // The request leaves first; the undo step and the event follow while the worker runs.
      if (object) predict(object.id, box, [], 'box', t0);
      setHistory((h) => commit(h, next));
      if (!object) return;
      effort.current.set(object.id, { clicks: 0, strokes: 0 });
      record('BOX', { objectId: object.id, payload: { box }, modelVersionId });
    },
    [historyRef, modelVersionId, predict, record, setHistory],
  );

  /**
   * A click: the request leaves at once; the click itself is rendered and its event recorded
   * (with the click's time) when its result is drawn, so the page paints no frame of its own
   * between the click and the mask it asks for (the result would wait behind it). Returns true:
   * the viewer need not draw the click (CLICK_RENDER_WAIT_MS at most, then React renders it).
   */
  const onClick = useCallback(
    (point: Point, positive: boolean): boolean => {
      const t0 = performance.now();
      const clientTime = new Date();
      const before = activeObject(historyRef.current.present);
      const shownOutput = before?.proposal ? before.chosenOutput : null;
      const next = addClick(historyRef.current.present, { x: point.x, y: point.y, positive });
      const object = activeObject(next);
      // The request leaves first; the undo step is committed while the worker runs.
      const predicted = object
        ? predict(object.id, object.box, object.clicks, 'click', t0, shownOutput)
        : null;
      store.setHistoryLater((h) => commit(h, next), CLICK_RENDER_WAIT_MS);
      if (!object || !predicted) return false;
      count(object.id, { clicks: 1 });
      const recordClick = () =>
        record(positive ? 'POSITIVE_POINT' : 'NEGATIVE_POINT', {
          objectId: object.id,
          payload: { x: point.x, y: point.y },
          modelVersionId,
          clientTime,
        });
      void whicheverFirst(predicted, CLICK_RENDER_WAIT_MS).then(recordClick);
      return true;
    },
    [historyRef, modelVersionId, predict, record, store],
  );

  const onStroke = useCallback(
    (stroke: BrushStroke) => {
      const next = addStroke(historyRef.current.present, stroke);
      const object = activeObject(next);
      setHistory((h) => commit(h, next));
      if (!object) return;
      count(object.id, { strokes: 1 });
      record(stroke.mode === 'brush' ? 'BRUSH_STROKE' : 'ERASER_STROKE', {
        objectId: object.id,
        payload: { radius: stroke.radius, points: stroke.points.slice(0, 200) },
      });
    },
    [historyRef, record, setHistory],
  );

  /** Shows decoder output `index` of the active object's proposal. */
  const chooseProposal = useCallback(
    (index: number, source: CommandSource) => {
      const object = activeObject(historyRef.current.present);
      const proposal = object?.proposal;
      if (!object || !proposal || index >= proposal.masks.length) return;
      if (proposal.masks[index]) setHistory((h) => commit(h, chooseOutput(h.present, index)));
      else
        // The worker is still pasting the other outputs (a moment after the shown one arrived).
        void proposal.outputsReady?.then(() => {
          if (activeObject(historyRef.current.present)?.proposal === proposal)
            setHistory((h) => commit(h, chooseOutput(h.present, index)));
        });
      if (source === 'key')
        record('MULTIMASK_SELECTED', {
          objectId: object.id,
          payload: { index },
          modelVersionId: proposal.modelVersionId,
        });
    },
    [historyRef, record, setHistory],
  );

  const undoEdit = useCallback(
    (source: CommandSource) => {
      setHistory(undo);
      if (source === 'key') record('UNDO');
    },
    [record, setHistory],
  );
  const redoEdit = useCallback(
    (source: CommandSource) => {
      setHistory(redo);
      if (source === 'key') record('REDO');
    },
    [record, setHistory],
  );

  const select = useCallback(
    (objectId: string) => setHistory((h) => patch(h, selectObject(h.present, objectId))),
    [setHistory],
  );

  /** A new task's image: its saved objects (open for correction), nothing counted yet. */
  const startTask = useCallback(
    (size: { width: number; height: number }, saved: { objectId: string; finalRle: string }[]) => {
      effort.current = new Map();
      const objects = saved.map((a) =>
        loadedObject(a.objectId, decodeMaskBytes(base64ToBytes(a.finalRle))),
      );
      setHistory(initialHistory(size.width, size.height, objects));
    },
    [setHistory],
  );

  return {
    onBox,
    onClick,
    onStroke,
    chooseProposal,
    undo: undoEdit,
    redo: redoEdit,
    select,
    effortOf,
    startTask,
  };
}

export type PromptEditing = ReturnType<typeof usePromptEditing>;
