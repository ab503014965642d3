/**
 * The volume page's objects (pure, no React): one object is one 3-D mask, held as a mask per slice
 * under one object id, each slice remembering how it came to be (prompted, propagated, edited),
 * what the model proposed there and the prompts and strokes it took. Edits return new states; the
 * page keeps a plain undo stack of them. Masks are never mutated in place.
 */
import {
  paintStroke,
  slicesPastErasedEnd,
  type Box,
  type BrushStroke,
  type ClickPrompt,
  type SliceMask,
  type SliceOrigin,
} from '@loupe/prompts';
import { emptyObject, newObjectId, type AnnotationObject } from './annotation-state';
import { regionOfMask } from './mask-bounds';

export interface VolumeSlice {
  mask: Uint8Array;
  origin: SliceOrigin;
  /** The model's mask on this slice before strokes (null when painted by hand or loaded). */
  proposal: Uint8Array | null;
  box: Box | null;
  clicks: ClickPrompt[];
  strokes: number;
  /** The slice the propagation that made this mask started from. */
  propagatedFrom: number | null;
}

export interface VolumeObject {
  id: string;
  slices: ReadonlyMap<number, VolumeSlice>;
  /**
   * Slices where the annotator erased the object's propagated mask: the object ends there, so
   * propagation stops there and never crosses it (a box or a stroke with pixels there undoes it).
   */
  ends: ReadonlySet<number>;
  /** Saved, and unchanged since. */
  accepted: boolean;
  /** Which model made its proposals (the newest one used). */
  modelVersionId: string | null;
  startedAt: number;
}

export interface VolumeState {
  width: number;
  height: number;
  depth: number;
  objects: VolumeObject[];
  activeId: string | null;
}

export function emptyVolumeObject(id = newObjectId()): VolumeObject {
  return {
    id,
    slices: new Map(),
    ends: new Set(),
    accepted: false,
    modelVersionId: null,
    startedAt: Date.now(),
  };
}

export function initialVolumeState(
  size: { width: number; height: number; depth: number },
  objects: VolumeObject[] = [],
): VolumeState {
  const draft = emptyVolumeObject();
  return { ...size, objects: [...objects, draft], activeId: draft.id };
}

export function activeVolumeObject(state: VolumeState): VolumeObject | null {
  return state.objects.find((o) => o.id === state.activeId) ?? null;
}

function replaceObject(state: VolumeState, object: VolumeObject): VolumeState {
  const exists = state.objects.some((o) => o.id === object.id);
  return {
    ...state,
    objects: exists
      ? state.objects.map((o) => (o.id === object.id ? object : o))
      : [...state.objects, object],
    activeId: object.id,
  };
}

function withSlice(object: VolumeObject, k: number, slice: VolumeSlice | null): VolumeObject {
  const slices = new Map(object.slices);
  if (slice) slices.set(k, slice);
  else slices.delete(k);
  // A mask on an end slice: the object goes on there after all.
  const ends = slice && object.ends.has(k) ? without(object.ends, k) : object.ends;
  return { ...object, slices, ends, accepted: false };
}

function without(set: ReadonlySet<number>, k: number): Set<number> {
  const out = new Set(set);
  out.delete(k);
  return out;
}

function hasPixels(mask: Uint8Array): boolean {
  for (let i = 0; i < mask.length; i++) if (mask[i]) return true;
  return false;
}

/**
 * The model answered a prompt on slice k: a box makes the slice `prompted`; clicks on a
 * propagated slice make it `edited` (a correction). An accepted active object with a new box
 * starts a new object, as on the 2-D page.
 */
export function setPromptResult(
  state: VolumeState,
  objectId: string,
  k: number,
  prompt: { box: Box | null; clicks: ClickPrompt[] },
  mask: Uint8Array,
  modelVersionId: string,
): VolumeState {
  const object = state.objects.find((o) => o.id === objectId);
  if (!object) return state;
  const before = object.slices.get(k);
  const origin: SliceOrigin =
    prompt.clicks.length > 0 && before && before.origin !== 'prompted' ? 'edited' : 'prompted';
  const slice: VolumeSlice | null = hasPixels(mask)
    ? {
        mask,
        origin,
        proposal: mask,
        box: prompt.box,
        clicks: prompt.clicks,
        strokes: 0,
        propagatedFrom: origin === 'edited' ? (before?.propagatedFrom ?? null) : null,
      }
    : null;
  return replaceObject(state, { ...withSlice(object, k, slice), modelVersionId });
}

/** The object to prompt on slice k: the active one unless it is saved (then a fresh one). */
export function objectForNewBox(state: VolumeState): { state: VolumeState; objectId: string } {
  const active = activeVolumeObject(state);
  if (active && !active.accepted) return { state, objectId: active.id };
  const fresh = emptyVolumeObject();
  return { state: replaceObject(state, fresh), objectId: fresh.id };
}

/**
 * Brush or eraser on slice k of the active object (a stroke on a propagated slice edits it).
 * Erasing all of a propagated or edited slice ends the object there: k becomes one of its `ends`,
 * and the propagated slices past it go (slicesPastErasedEnd).
 */
export function paintSlice(state: VolumeState, k: number, stroke: BrushStroke): VolumeState {
  const object = activeVolumeObject(state) ?? emptyVolumeObject();
  const before = object.slices.get(k);
  const size = state.width * state.height;
  const painted = paintStroke(
    { width: state.width, height: state.height, data: before?.mask ?? new Uint8Array(size) },
    stroke,
  ).data;
  const slice: VolumeSlice | null = hasPixels(painted)
    ? {
        mask: painted,
        origin: before?.origin === 'prompted' ? 'prompted' : 'edited',
        proposal: before?.proposal ?? null,
        box: before?.box ?? null,
        clicks: before?.clicks ?? [],
        strokes: (before?.strokes ?? 0) + 1,
        propagatedFrom: before?.propagatedFrom ?? null,
      }
    : null;
  if (slice || !before || before.origin === 'prompted')
    return replaceObject(state, withSlice(object, k, slice));
  const slices = new Map(object.slices);
  slices.delete(k);
  for (const j of slicesPastErasedEnd(
    sliceMasks(object, state.width * state.height),
    k,
    state.depth,
  ))
    slices.delete(j);
  const ends = new Set(object.ends).add(k);
  return replaceObject(state, { ...object, slices, ends, accepted: false });
}

/** Propagation results for an object: new masks (origin propagated) and slices it left. */
export function applyPropagation(
  state: VolumeState,
  objectId: string,
  from: number,
  masks: ReadonlyMap<number, Uint8Array>,
  cleared: readonly number[],
  modelVersionId: string | null,
): VolumeState {
  const object = state.objects.find((o) => o.id === objectId);
  if (!object) return state;
  const slices = new Map(object.slices);
  for (const [k, mask] of masks) {
    const existing = slices.get(k);
    // Never overwrite what the annotator made (nor cross where they ended the object), even if
    // a stale run says so.
    if ((existing && existing.origin !== 'propagated') || object.ends.has(k)) continue;
    slices.set(k, {
      mask,
      origin: 'propagated',
      proposal: mask,
      box: null,
      clicks: [],
      strokes: 0,
      propagatedFrom: from,
    });
  }
  for (const k of cleared) if (slices.get(k)?.origin === 'propagated') slices.delete(k);
  return {
    ...state,
    objects: state.objects.map((o) =>
      o.id === objectId
        ? { ...o, slices, accepted: false, modelVersionId: modelVersionId ?? o.modelVersionId }
        : o,
    ),
  };
}

/**
 * The object's slices as the propagation loop reads them; each end is an empty edited slice
 * (the loop stops there, 'annotated').
 */
export function sliceMasks(object: VolumeObject, size: number): Map<number, SliceMask> {
  const out = new Map<number, SliceMask>(
    [...object.slices].map(([k, s]) => [k, { mask: s.mask, origin: s.origin }]),
  );
  for (const k of object.ends) out.set(k, { mask: new Uint8Array(size), origin: 'edited' });
  return out;
}

export function markVolumeObjectAccepted(state: VolumeState, objectId: string): VolumeState {
  const objects = state.objects.map((o) => (o.id === objectId ? { ...o, accepted: true } : o));
  const draft = emptyVolumeObject();
  return { ...state, objects: [...objects, draft], activeId: draft.id };
}

export function removeVolumeObject(state: VolumeState, objectId: string): VolumeState {
  const objects = state.objects.filter((o) => o.id !== objectId);
  const draft = objects.find((o) => !o.accepted) ?? emptyVolumeObject();
  return {
    ...state,
    objects: objects.includes(draft) ? objects : [...objects, draft],
    activeId: draft.id,
  };
}

export function selectVolumeObject(state: VolumeState, objectId: string): VolumeState {
  return state.objects.some((o) => o.id === objectId) ? { ...state, activeId: objectId } : state;
}

/** First and last slice the object covers, or null when it covers none. */
export function objectExtent(object: VolumeObject): { first: number; last: number } | null {
  if (object.slices.size === 0) return null;
  const keys = [...object.slices.keys()];
  return { first: Math.min(...keys), last: Math.max(...keys) };
}

/** The slice where the object is largest (the default slice to prompt or re-propagate from). */
export function largestSlice(object: VolumeObject): number | null {
  let best: number | null = null;
  let bestArea = -1;
  for (const [k, s] of object.slices) {
    let area = 0;
    for (let i = 0; i < s.mask.length; i++) area += s.mask[i] as number;
    if (area > bestArea) {
      best = k;
      bestArea = area;
    }
  }
  return best;
}

/**
 * Slice k as the 2-D viewer draws it: each object with a mask there (the active one always, so a
 * box being drawn shows), in the shape annotation-state.ts uses.
 */
export function objectsOnSlice(state: VolumeState, k: number): AnnotationObject[] {
  const out: AnnotationObject[] = [];
  for (const o of state.objects) {
    const slice = o.slices.get(k);
    if (!slice && o.id !== state.activeId) continue;
    const region = slice ? regionOfMask(slice.mask, state.width, state.height) : null;
    out.push({
      ...emptyObject(o.id),
      box: slice?.box ?? null,
      clicks: slice?.clicks ?? [],
      mask: region,
      savedMask: o.accepted ? region : null,
      accepted: o.accepted,
    });
  }
  return out;
}

/** Objects loaded from the server: saved masks per slice, with the origin they were saved with. */
export function loadedVolumeObjects(
  saved: {
    objectId: string;
    sliceIndex: number;
    mask: Uint8Array;
    sliceOrigin: string | null;
    propagatedFrom: number | null;
    /** The object's ends, as saved on each of its rows. */
    volumeEnds?: number[];
    modelVersionId: string | null;
  }[],
): VolumeObject[] {
  const byId = new Map<string, VolumeObject>();
  for (const a of saved) {
    const object = byId.get(a.objectId) ?? {
      ...emptyVolumeObject(a.objectId),
      accepted: true,
      modelVersionId: a.modelVersionId,
    };
    const origin: SliceOrigin =
      a.sliceOrigin === 'propagated' || a.sliceOrigin === 'edited' ? a.sliceOrigin : 'prompted';
    const slices = new Map(object.slices);
    slices.set(a.sliceIndex, {
      mask: a.mask,
      origin,
      proposal: null,
      box: null,
      clicks: [],
      strokes: 0,
      propagatedFrom: a.propagatedFrom,
    });
    const ends = new Set([...object.ends, ...(a.volumeEnds ?? [])]);
    byId.set(a.objectId, { ...object, slices, ends });
  }
  // An end never sits on a slice with a mask (the server refuses that; older rows may disagree).
  return [...byId.values()].map((o) => ({
    ...o,
    ends: new Set([...o.ends].filter((k) => !o.slices.has(k))),
  }));
}
