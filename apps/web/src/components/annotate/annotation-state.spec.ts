import { describe, expect, it } from 'vitest';
import { maskToRegion, regionArea, regionToMask, type MaskRegion } from '../../worker/mask-region';
import {
  activeObject,
  addClick,
  addStroke,
  applyProposal,
  chooseOutput,
  commit,
  defaultOutput,
  initialHistory,
  loadedObject,
  markAccepted,
  patch,
  promptKey,
  redo,
  selectObject,
  setBox,
  undo,
  withinMaskBudget,
  type AnnotationState,
  type ProposalSet,
} from './annotation-state';

const W = 8;
const H = 6;

function proposal(fill: number[]): ProposalSet {
  const masks = fill.map((count) => {
    const m = new Uint8Array(W * H);
    m.fill(1, 0, count);
    return maskToRegion(m, W, H);
  });
  return { masks, iouPredictions: fill.map((_, i) => i / 10), modelVersionId: 'm1', version: 1 };
}

/** The crop-sized mask at full resolution, as the image sees it. */
const full = (mask: MaskRegion | null) => (mask ? regionToMask(mask, W, H) : null);

describe('annotation state', () => {
  it('keeps the newest undo steps whose masks fit the byte budget, each mask counted once', () => {
    const step = (bytes: number, shared: MaskRegion): AnnotationState => {
      const own: MaskRegion = {
        bounds: { x0: 0, y0: 0, x1: bytes, y1: 1 },
        data: new Uint8Array(bytes),
      };
      const object = {
        ...activeObject(initialHistory(W, H).present)!,
        mask: own,
        savedMask: shared,
      };
      return { width: W, height: H, objects: [object], activeId: object.id };
    };
    const shared: MaskRegion = {
      bounds: { x0: 0, y0: 0, x1: 500, y1: 1 },
      data: new Uint8Array(500),
    };
    const past = [100, 100, 100, 100].map((b) => step(b, shared));
    // The shared mask is the present's: free. Each step's own 100 bytes count.
    expect(withinMaskBudget(past, step(10, shared), 250)).toEqual(past.slice(2));
    expect(withinMaskBudget(past, step(10, shared), 1000)).toEqual(past);
    // Without the present holding it, the shared mask counts once, with the newest step.
    const present: AnnotationState = { width: W, height: H, objects: [], activeId: null };
    expect(withinMaskBudget(past, present, 650)).toEqual(past.slice(3));
    expect(withinMaskBudget(past, present, 700)).toEqual(past.slice(2));
  });

  it('a small image keeps a hundred undo steps', () => {
    let h = initialHistory(W, H);
    for (let i = 0; i < 120; i++)
      h = commit(h, addClick(h.present, { x: 1, y: 1, positive: i % 2 === 0 }));
    expect(h.past).toHaveLength(100);
  });

  it('box -> proposal -> click -> undo restores the earlier proposal', () => {
    let h = initialHistory(W, H);
    const box = { x0: 1, y0: 1, x1: 5, y1: 4 };
    h = commit(h, setBox(h.present, box));
    const obj = activeObject(h.present)!;
    const key1 = promptKey(obj.box, obj.clicks);
    h = patch(h, applyProposal(h.present, obj.id, key1, proposal([3, 5, 7, 9])));
    // box only: the multimask output with the highest predicted IoU (index 3 here)
    expect(activeObject(h.present)!.chosenOutput).toBe(3);
    expect(regionArea(activeObject(h.present)!.mask!)).toBe(9);

    h = commit(h, addClick(h.present, { x: 2, y: 2, positive: true }));
    const key2 = promptKey(box, [{ x: 2, y: 2, positive: true }]);
    h = patch(h, applyProposal(h.present, obj.id, key2, proposal([4, 6, 8, 10])));
    expect(activeObject(h.present)!.chosenOutput).toBe(0); // clicks -> single-mask output
    expect(regionArea(activeObject(h.present)!.mask!)).toBe(4);

    h = undo(h);
    expect(activeObject(h.present)!.clicks).toHaveLength(0);
    expect(regionArea(activeObject(h.present)!.mask!)).toBe(9);
    h = redo(h);
    expect(activeObject(h.present)!.clicks).toHaveLength(1);
  });

  it('drops a proposal whose prompts are no longer current', () => {
    let h = initialHistory(W, H);
    h = commit(h, setBox(h.present, { x0: 0, y0: 0, x1: 4, y1: 4 }));
    const obj = activeObject(h.present)!;
    const staleKey = promptKey(obj.box, obj.clicks);
    h = commit(h, addClick(h.present, { x: 1, y: 1, positive: false }));
    const before = h.present;
    expect(applyProposal(h.present, obj.id, staleKey, proposal([1, 1, 1, 1]))).toBe(before);
  });

  it('an output the worker has not pasted yet cannot be chosen until it is filled in', () => {
    let h = initialHistory(W, H);
    h = commit(h, setBox(h.present, { x0: 0, y0: 0, x1: 4, y1: 4 }));
    const obj = activeObject(h.present)!;
    // A box alone shows the best multimask output (3 here); the worker sends the others later.
    const full4 = proposal([1, 2, 3, 4]);
    const lazy: ProposalSet = { ...full4, masks: [null, null, null, full4.masks[3]!] };
    h = patch(h, applyProposal(h.present, obj.id, promptKey(obj.box, obj.clicks), lazy));
    expect(activeObject(h.present)!.chosenOutput).toBe(3);
    expect(activeObject(h.present)!.mask).toBe(full4.masks[3]);
    expect(chooseOutput(h.present, 1)).toBe(h.present);
    // Filled into the same array (InferenceClient on predictionOutputs): now it can.
    lazy.masks[1] = full4.masks[1]!;
    const chosen = chooseOutput(h.present, 1);
    expect(activeObject(chosen)!.chosenOutput).toBe(1);
    expect(activeObject(chosen)!.mask).toBe(full4.masks[1]);
  });

  it('brush strokes compose on the chosen output and choosing another output keeps them', () => {
    let h = initialHistory(W, H);
    h = commit(h, setBox(h.present, { x0: 0, y0: 0, x1: 4, y1: 4 }));
    const obj = activeObject(h.present)!;
    h = patch(
      h,
      applyProposal(h.present, obj.id, promptKey(obj.box, obj.clicks), proposal([0, 0, 0, 0])),
    );
    expect(activeObject(h.present)!.mask).toBeNull();
    h = commit(
      h,
      addStroke(h.present, { points: [{ x: 6.5, y: 4.5 }], radius: 0.6, mode: 'brush' }),
    );
    const mask = full(activeObject(h.present)!.mask)!;
    expect(mask[4 * W + 6]).toBe(1);
    h = commit(h, chooseOutput(h.present, 1));
    expect(full(activeObject(h.present)!.mask)![4 * W + 6]).toBe(1);
  });

  it('accepting starts a new draft object, and the next box goes to it', () => {
    let h = initialHistory(W, H);
    h = commit(h, setBox(h.present, { x0: 0, y0: 0, x1: 4, y1: 4 }));
    const first = activeObject(h.present)!;
    h = commit(
      h,
      markAccepted(h.present, first.id, maskToRegion(new Uint8Array(W * H).fill(1), W, H)),
    );
    expect(h.present.objects.filter((o) => o.accepted)).toHaveLength(1);
    h = commit(h, setBox(h.present, { x0: 2, y0: 2, x1: 6, y1: 5 }));
    expect(activeObject(h.present)!.id).not.toBe(first.id);
    expect(h.present.objects.find((o) => o.id === first.id)!.box).toEqual({
      x0: 0,
      y0: 0,
      x1: 4,
      y1: 4,
    });
  });

  it('brushing a saved object reopens it for correction under the same id', () => {
    const saved = new Uint8Array(W * H).fill(1, 0, 10);
    let h = initialHistory(W, H, [loadedObject('kept', { width: W, height: H, data: saved })]);
    const savedMask = h.present.objects[0]!.savedMask;
    expect(full(savedMask)).toEqual(saved);
    h = commit(h, selectObject(h.present, 'kept'));
    h = commit(
      h,
      addStroke(h.present, { points: [{ x: 0.5, y: 0.5 }], radius: 0.6, mode: 'eraser' }),
    );
    const edited = activeObject(h.present)!;
    expect(edited.id).toBe('kept');
    expect(edited.accepted).toBe(false);
    expect(full(edited.mask)![0]).toBe(0);
    expect(full(edited.mask)![5]).toBe(1);
    expect(edited.mask!.bounds).toEqual({ x0: 0, y0: 0, x1: 8, y1: 2 });
    expect(edited.savedMask).toBe(savedMask);
    h = undo(h);
    expect(h.present.objects.find((o) => o.id === 'kept')!.accepted).toBe(true);
  });

  it('defaultOutput prefers the best multimask output only without clicks', () => {
    expect(defaultOutput([0.9, 0.2, 0.8, 0.5], 0)).toBe(2);
    expect(defaultOutput([0.9, 0.2, 0.8, 0.5], 1)).toBe(0);
  });
});
