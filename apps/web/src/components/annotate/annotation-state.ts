/**
 * The annotate page's objects and their undo/redo history (pure, no React). Every user edit
 * `commit`s a new snapshot; a model result arriving later `patch`es the present snapshot (so undoing
 * a click also undoes the proposal it produced). Masks are never mutated in place, and are kept
 * crop-sized (MaskRegion: the bounding box and its pixels), so a hundred snapshots of a small
 * object on a 3900 x 3072 image cost what the object covers.
 */
import {
  paintStroke,
  type Box,
  type BrushStroke,
  type ClickPrompt,
  type Mask,
} from '@loupe/prompts';
import { maskToRegion, regionToMask, type MaskRegion } from '../../worker/mask-region';

export interface ProposalSet {
  /**
   * One crop-sized 0/1 mask per decoder output (0 = single-mask, 1..3 = multimask). The one shown
   * first (defaultOutput) is always here; the others are null until the worker has pasted them
   * (they are filled into this same array, then outputsReady settles).
   */
  masks: (MaskRegion | null)[];
  outputsReady?: Promise<void>;
  iouPredictions: number[];
  modelVersionId: string;
  version: number;
}

export interface AnnotationObject {
  id: string;
  box: Box | null;
  clicks: ClickPrompt[];
  /** Key of the prompts (box + clicks) the proposal below answers; stale results are dropped. */
  proposalFor: string | null;
  proposal: ProposalSet | null;
  chosenOutput: number;
  /** Mask strokes start from when there is no proposal: the saved mask of an object being corrected. */
  baseMask: MaskRegion | null;
  /** Brush/eraser strokes applied on top of the chosen proposal (or the base mask). */
  strokes: BrushStroke[];
  /** The mask as the annotator sees it (chosen proposal + strokes), or null when empty. */
  mask: MaskRegion | null;
  /** Mask the server has (null when unsaved). */
  savedMask: MaskRegion | null;
  accepted: boolean;
  startedAt: number;
}

export interface AnnotationState {
  width: number;
  height: number;
  objects: AnnotationObject[];
  activeId: string | null;
}

export interface History {
  past: AnnotationState[];
  present: AnnotationState;
  future: AnnotationState[];
}

const HISTORY_LIMIT = 100;

export function promptKey(box: Box | null, clicks: readonly ClickPrompt[]): string {
  return JSON.stringify([box, clicks]);
}

export function newObjectId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(9));
  return `o${Array.from(bytes, (b) => b.toString(36).padStart(2, '0'))
    .join('')
    .slice(0, 15)}`;
}

export function emptyObject(id = newObjectId()): AnnotationObject {
  return {
    id,
    box: null,
    clicks: [],
    proposalFor: null,
    proposal: null,
    chosenOutput: 0,
    baseMask: null,
    strokes: [],
    mask: null,
    savedMask: null,
    accepted: false,
    startedAt: Date.now(),
  };
}

export function initialHistory(
  width: number,
  height: number,
  objects: AnnotationObject[] = [],
): History {
  const draft = emptyObject();
  return {
    past: [],
    present: { width, height, objects: [...objects, draft], activeId: draft.id },
    future: [],
  };
}

export function activeObject(state: AnnotationState): AnnotationObject | null {
  return state.objects.find((o) => o.id === state.activeId) ?? null;
}

/** Recomputes the visible mask: the chosen proposal output, then every stroke in order. */
export function composeMask(
  object: AnnotationObject,
  width: number,
  height: number,
): MaskRegion | null {
  const source = object.proposal?.masks[object.chosenOutput] ?? object.baseMask;
  // A proposal as it came from the worker: no walk over the image.
  if (object.strokes.length === 0) return source?.bounds ? source : null;
  let data = source ? regionToMask(source, width, height) : new Uint8Array(width * height);
  for (const stroke of object.strokes) data = paintStroke({ width, height, data }, stroke).data;
  const region = maskToRegion(data, width, height);
  return region.bounds ? region : null;
}

function updateObject(
  state: AnnotationState,
  id: string,
  change: (o: AnnotationObject) => AnnotationObject,
): AnnotationState {
  return { ...state, objects: state.objects.map((o) => (o.id === id ? change(o) : o)) };
}

/**
 * Mask bytes the undo steps may hold beyond the present's own. On a wide-field image each step of
 * an object holds its proposal's outputs (megabytes each): 100 steps there kept 600 MB in the
 * page. The oldest steps go first; a small image still gets HISTORY_LIMIT of them.
 */
export const HISTORY_MASK_BYTES = 64 * 1024 * 1024;

export function commit(history: History, next: AnnotationState): History {
  if (next === history.present) return history;
  return {
    past: withinMaskBudget([...history.past, history.present].slice(-HISTORY_LIMIT), next),
    present: next,
    future: [],
  };
}

/** The newest of `past` whose masks (those not in `present`, each counted once) fit the budget. */
export function withinMaskBudget(
  past: AnnotationState[],
  present: AnnotationState,
  budget = HISTORY_MASK_BYTES,
): AnnotationState[] {
  const seen = new Set<Uint8Array>();
  const bytesOf = (state: AnnotationState) => {
    let bytes = 0;
    const add = (region: MaskRegion | null | undefined) => {
      if (!region || seen.has(region.data)) return;
      seen.add(region.data);
      bytes += region.data.byteLength;
    };
    for (const o of state.objects) {
      add(o.mask);
      add(o.baseMask);
      add(o.savedMask);
      o.proposal?.masks.forEach(add);
    }
    return bytes;
  };
  bytesOf(present);
  let total = 0;
  for (let i = past.length - 1; i >= 0; i--) {
    total += bytesOf(past[i] as AnnotationState);
    if (total > budget) return past.slice(i + 1);
  }
  return past;
}

/** Replaces the present without a new undo step (model results, save confirmations). */
export function patch(history: History, next: AnnotationState): History {
  return { ...history, present: next };
}

export function undo(history: History): History {
  const previous = history.past[history.past.length - 1];
  if (!previous) return history;
  return {
    past: history.past.slice(0, -1),
    present: previous,
    future: [history.present, ...history.future],
  };
}

export function redo(history: History): History {
  const next = history.future[0];
  if (!next) return history;
  return {
    past: [...history.past, history.present],
    present: next,
    future: history.future.slice(1),
  };
}

// ---------------------------------------------------------------- edits (each returns a new state)

/** A new box restarts the active object's prompts (the old proposal and strokes go). */
export function setBox(state: AnnotationState, box: Box): AnnotationState {
  const current = activeObject(state);
  if (!current || current.accepted) {
    const fresh = { ...emptyObject(), box };
    return { ...state, objects: [...state.objects, fresh], activeId: fresh.id };
  }
  return updateObject(state, current.id, (o) => ({
    ...o,
    box,
    clicks: [],
    strokes: [],
    proposal: null,
    proposalFor: null,
    mask: null,
    chosenOutput: 0,
  }));
}

export function addClick(state: AnnotationState, click: ClickPrompt): AnnotationState {
  const current = activeObject(state);
  if (!current || current.accepted) {
    const fresh = { ...emptyObject(), clicks: [click] };
    return { ...state, objects: [...state.objects, fresh], activeId: fresh.id };
  }
  // Strokes were drawn on the old proposal; a refined proposal replaces them.
  return updateObject(state, current.id, (o) => ({
    ...o,
    clicks: [...o.clicks, click],
    strokes: [],
  }));
}

/**
 * Brush/eraser on the active object. On a saved object this reopens it for correction (same
 * object id, so accepting again replaces the saved mask); with no active object it starts one.
 */
export function addStroke(state: AnnotationState, stroke: BrushStroke): AnnotationState {
  const current = activeObject(state);
  const target: AnnotationObject = !current
    ? emptyObject()
    : current.accepted
      ? {
          ...current,
          accepted: false,
          baseMask: current.mask,
          proposal: null,
          proposalFor: null,
          strokes: [],
          box: null,
          clicks: [],
        }
      : current;
  const withStroke = { ...target, strokes: [...target.strokes, stroke] };
  const updated = { ...withStroke, mask: composeMask(withStroke, state.width, state.height) };
  if (!current) return { ...state, objects: [...state.objects, updated], activeId: updated.id };
  return updateObject(state, target.id, () => updated);
}

export function chooseOutput(state: AnnotationState, index: number): AnnotationState {
  const current = activeObject(state);
  if (
    !current?.proposal ||
    index < 0 ||
    index >= current.proposal.masks.length ||
    !current.proposal.masks[index] ||
    index === current.chosenOutput
  )
    return state;
  return updateObject(state, current.id, (o) => {
    const next = { ...o, chosenOutput: index };
    return { ...next, mask: composeMask(next, state.width, state.height) };
  });
}

/** Best output for the prompts: the highest predicted IoU for a box alone, the single-mask output with clicks (as SAM advises). */
export function defaultOutput(iouPredictions: number[], clickCount: number): number {
  if (clickCount > 0 || iouPredictions.length < 2) return 0;
  let best = 1;
  for (let i = 2; i < iouPredictions.length; i++)
    if ((iouPredictions[i] as number) > (iouPredictions[best] as number)) best = i;
  return best;
}

/** Applies a model result if the object still has the prompts it answers; otherwise returns state unchanged. */
export function applyProposal(
  state: AnnotationState,
  objectId: string,
  forPrompts: string,
  proposal: ProposalSet,
): AnnotationState {
  const target = state.objects.find((o) => o.id === objectId);
  if (!target || target.accepted || promptKey(target.box, target.clicks) !== forPrompts)
    return state;
  return updateObject(state, objectId, (o) => {
    const next = {
      ...o,
      proposal,
      proposalFor: forPrompts,
      chosenOutput: defaultOutput(proposal.iouPredictions, o.clicks.length),
    };
    return { ...next, mask: composeMask(next, state.width, state.height) };
  });
}

export function markAccepted(
  state: AnnotationState,
  objectId: string,
  savedMask: MaskRegion,
): AnnotationState {
  const accepted = updateObject(state, objectId, (o) => ({ ...o, accepted: true, savedMask }));
  // A fresh draft takes over so the next box starts a new object.
  const draft = emptyObject();
  return { ...accepted, objects: [...accepted.objects, draft], activeId: draft.id };
}

export function removeObject(state: AnnotationState, objectId: string): AnnotationState {
  const objects = state.objects.filter((o) => o.id !== objectId);
  const draft = objects.find((o) => !o.accepted) ?? emptyObject();
  return {
    ...state,
    objects: objects.includes(draft) ? objects : [...objects, draft],
    activeId: draft.id,
  };
}

export function selectObject(state: AnnotationState, objectId: string): AnnotationState {
  if (!state.objects.some((o) => o.id === objectId)) return state;
  return { ...state, activeId: objectId };
}

/** Accepted objects as loaded from the server (reopened or sent-back tasks), kept crop-sized. */
export function loadedObject(id: string, saved: Mask): AnnotationObject {
  const mask = maskToRegion(saved.data, saved.width, saved.height);
  return { ...emptyObject(id), mask, baseMask: mask, savedMask: mask, accepted: true };
}
