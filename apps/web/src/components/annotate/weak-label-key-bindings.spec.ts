import { describe, expect, it } from 'vitest';
import { findKeyBinding } from './use-key-map';
import { boxKeyBindings, tagKeyBindings } from './weak-label-key-bindings';

const press = (key: string, mod = false) => ({
  key,
  ctrlKey: mod,
  metaKey: false,
  shiftKey: false,
});

describe('fast label mode keys', () => {
  it('gives each tag its digit and leaves zoom-to-fit on 0', () => {
    const pressed: number[] = [];
    let fits = 0;
    const bindings = tagKeyBindings(4, {
      pressTag: (i) => pressed.push(i),
      saveToggled: () => undefined,
      skip: () => undefined,
      zoomIn: () => undefined,
      zoomOut: () => undefined,
      fit: () => fits++,
    });
    for (const key of ['1', '2', '4', '5']) findKeyBinding(bindings, press(key))?.run();
    findKeyBinding(bindings, press('0'))?.run();
    expect(pressed).toEqual([0, 1, 3]);
    expect(fits).toBe(1);
  });

  it('box mode: Enter saves, Ctrl+Z and Delete remove the last box', () => {
    const calls: string[] = [];
    const bindings = boxKeyBindings({
      save: () => calls.push('save'),
      removeLast: () => calls.push('remove'),
      skip: () => calls.push('skip'),
      zoomIn: () => undefined,
      zoomOut: () => undefined,
      fit: () => undefined,
    });
    for (const [key, mod] of [
      ['Enter', false],
      ['z', true],
      ['Delete', false],
      ['z', false],
    ] as const)
      findKeyBinding(bindings, press(key, mod))?.run();
    expect(calls).toEqual(['save', 'remove', 'remove']);
  });
});
