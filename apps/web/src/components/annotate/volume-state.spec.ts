import { describe, expect, it } from 'vitest';
import {
  activeVolumeObject,
  applyPropagation,
  initialVolumeState,
  largestSlice,
  loadedVolumeObjects,
  markVolumeObjectAccepted,
  objectExtent,
  objectForNewBox,
  objectsOnSlice,
  paintSlice,
  setPromptResult,
  sliceMasks,
} from './volume-state';

const size = { width: 4, height: 3, depth: 6 };
const mask = (...on: number[]) => {
  const m = new Uint8Array(12);
  for (const i of on) m[i] = 1;
  return m;
};
const box = { x0: 0, y0: 0, x1: 2, y1: 2 };

describe('volume state', () => {
  it('a box prompts a slice; propagation fills others but never a prompted or edited one', () => {
    let state = initialVolumeState(size);
    const { state: s1, objectId } = objectForNewBox(state);
    state = setPromptResult(s1, objectId, 2, { box, clicks: [] }, mask(0, 1), 'm1');
    state = setPromptResult(state, objectId, 4, { box, clicks: [] }, mask(5), 'm1');
    state = applyPropagation(
      state,
      objectId,
      2,
      new Map([
        [1, mask(0)],
        [3, mask(1)],
        [4, mask(9)], // the annotator prompted slice 4: kept
      ]),
      [],
      'm1',
    );
    const object = activeVolumeObject(state)!;
    expect([...object.slices.keys()].sort()).toEqual([1, 2, 3, 4]);
    expect(object.slices.get(4)?.mask).toEqual(mask(5));
    expect(object.slices.get(3)).toMatchObject({ origin: 'propagated', propagatedFrom: 2 });
    expect(objectExtent(object)).toEqual({ first: 1, last: 4 });
    expect(largestSlice(object)).toBe(2);

    // A click on a propagated slice is a correction; a stroke there too.
    state = setPromptResult(
      state,
      objectId,
      3,
      { box, clicks: [{ x: 1, y: 1, positive: true }] },
      mask(1, 2),
      'm1',
    );
    expect(activeVolumeObject(state)!.slices.get(3)).toMatchObject({
      origin: 'edited',
      propagatedFrom: 2,
    });
    state = paintSlice(state, 1, { mode: 'eraser', radius: 5, points: [{ x: 0.5, y: 0.5 }] });
    // Erasing everything there removes the slice from the object.
    expect(activeVolumeObject(state)!.slices.has(1)).toBe(false);

    // A re-propagation that ends earlier clears stale propagated slices only.
    state = applyPropagation(state, objectId, 2, new Map(), [3, 4], 'm1');
    expect([...activeVolumeObject(state)!.slices.keys()].sort()).toEqual([2, 3, 4]);
  });

  it('erasing a propagated slice ends the object there: past it cleared, never propagated again', () => {
    let state = initialVolumeState(size);
    const { state: s1, objectId } = objectForNewBox(state);
    state = setPromptResult(s1, objectId, 1, { box, clicks: [] }, mask(0, 1), 'm1');
    state = applyPropagation(
      state,
      objectId,
      1,
      new Map([
        [0, mask(0)],
        [2, mask(1)],
        [3, mask(1)],
        [4, mask(1)],
        [5, mask(1)],
      ]),
      [],
      'm1',
    );
    state = paintSlice(state, 3, { mode: 'eraser', radius: 5, points: [{ x: 0.5, y: 0.5 }] });
    let object = activeVolumeObject(state)!;
    // 4 and 5 lay past the end; 0 and 2 are on the seed's side.
    expect([...object.slices.keys()].sort()).toEqual([0, 1, 2]);
    expect([...object.ends]).toEqual([3]);
    // Propagation reads the end as an empty edited slice, and a stale run cannot fill it.
    const read = sliceMasks(object, 12).get(3)!;
    expect(read.origin).toBe('edited');
    expect(read.mask.some((v) => v === 1)).toBe(false);
    state = applyPropagation(state, objectId, 1, new Map([[3, mask(1)]]), [], 'm1');
    expect(activeVolumeObject(state)!.slices.has(3)).toBe(false);
    // A box there undoes the end.
    state = setPromptResult(state, objectId, 3, { box, clicks: [] }, mask(2), 'm1');
    object = activeVolumeObject(state)!;
    expect(object.ends.size).toBe(0);
    expect(object.slices.get(3)?.origin).toBe('prompted');
    // Erasing the prompted seed is not an end: that slice just goes.
    state = paintSlice(state, 1, { mode: 'eraser', radius: 5, points: [{ x: 0.5, y: 0.5 }] });
    expect(activeVolumeObject(state)!.ends.size).toBe(0);
  });

  it('shows each slice its objects and starts a new object after accepting', () => {
    let state = initialVolumeState(size);
    const { state: s1, objectId } = objectForNewBox(state);
    state = setPromptResult(s1, objectId, 2, { box, clicks: [] }, mask(0), 'm1');
    state = markVolumeObjectAccepted(state, objectId);
    expect(objectsOnSlice(state, 2).map((o) => [o.id === objectId, o.accepted])).toEqual([
      [true, true],
      [false, false], // the fresh draft is always shown
    ]);
    expect(objectsOnSlice(state, 0).some((o) => o.id === objectId)).toBe(false);
    const next = objectForNewBox(state);
    expect(next.objectId).not.toBe(objectId);
    expect(next.state).toBe(state); // the draft was already active
  });

  it('loads saved slices under their object ids with their origins', () => {
    const objects = loadedVolumeObjects([
      {
        objectId: 'a',
        sliceIndex: 1,
        mask: mask(0),
        sliceOrigin: 'propagated',
        propagatedFrom: 2,
        volumeEnds: [0, 4],
        modelVersionId: 'm',
      },
      {
        objectId: 'a',
        sliceIndex: 2,
        mask: mask(0, 1),
        sliceOrigin: 'prompted',
        propagatedFrom: null,
        volumeEnds: [0, 4],
        modelVersionId: 'm',
      },
      {
        objectId: 'b',
        sliceIndex: 5,
        mask: mask(3),
        sliceOrigin: null,
        propagatedFrom: null,
        modelVersionId: null,
      },
    ]);
    expect(objects.map((o) => [o.id, [...o.slices.keys()], o.accepted])).toEqual([
      ['a', [1, 2], true],
      ['b', [5], true],
    ]);
    expect(objects[0]!.slices.get(1)?.origin).toBe('propagated');
    // Its ends come back, so a re-propagation after reopening stops there.
    expect([...objects[0]!.ends].sort()).toEqual([0, 4]);
    expect(objects[1]!.ends.size).toBe(0);
    let state = initialVolumeState(size, objects);
    state = applyPropagation(
      state,
      'a',
      2,
      new Map([
        [0, mask(0)],
        [3, mask(0)],
        [4, mask(0)],
      ]),
      [],
      'm',
    );
    const a = state.objects.find((o) => o.id === 'a')!;
    expect([...a.slices.keys()].sort()).toEqual([1, 2, 3]);
    expect(sliceMasks(a, 12).get(4)?.origin).toBe('edited');
  });
});
