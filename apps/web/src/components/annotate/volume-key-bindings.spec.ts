import { describe, expect, it } from 'vitest';
import { findKeyBinding } from './use-key-map';
import { volumeKeyBindings, type VolumeKeyActions } from './volume-key-bindings';

function recordingActions(calls: string[]): VolumeKeyActions {
  const note =
    (name: string) =>
    (...args: unknown[]) =>
      calls.push(args.length ? `${name}(${args.join(',')})` : name);
  return {
    undo: note('undo'),
    redo: note('redo'),
    accept: note('accept'),
    submit: note('submit'),
    skip: note('skip'),
    openFlag: note('openFlag'),
    closeFlag: note('closeFlag'),
    setTool: note('setTool'),
    toggleMasks: note('toggleMasks'),
    brushSmaller: note('brushSmaller'),
    brushLarger: note('brushLarger'),
    zoomIn: note('zoomIn'),
    zoomOut: note('zoomOut'),
    fit: note('fit'),
    discard: note('discard'),
    step: note('step'),
    first: note('first'),
    last: note('last'),
    propagate: note('propagate'),
    cancelPropagation: note('cancelPropagation'),
  };
}

const press = (key: string, extra: Partial<{ ctrlKey: boolean; shiftKey: boolean }> = {}) => ({
  key,
  ctrlKey: false,
  metaKey: false,
  shiftKey: false,
  ...extra,
});

describe('volumeKeyBindings', () => {
  it('scrolls slices with the arrows, pages, Home and End', () => {
    const calls: string[] = [];
    const bindings = volumeKeyBindings(recordingActions(calls), 64);
    for (const key of ['ArrowDown', 'ArrowUp', 'PageDown', 'PageUp', 'Home', 'End'])
      findKeyBinding(bindings, press(key))?.run();
    expect(calls).toEqual(['step(1)', 'step(-1)', 'step(6)', 'step(-6)', 'first', 'last']);
    expect(findKeyBinding(bindings, press('PageDown'))?.preventDefault).toBe(true);
  });

  it('propagates with Shift+P, cancels with Escape, and keeps the 2-D keys', () => {
    const calls: string[] = [];
    const bindings = volumeKeyBindings(recordingActions(calls), 3);
    findKeyBinding(bindings, press('P', { shiftKey: true }))?.run();
    findKeyBinding(bindings, press('Escape'))?.run();
    findKeyBinding(bindings, press('Enter'))?.run();
    findKeyBinding(bindings, press('z', { ctrlKey: true }))?.run();
    findKeyBinding(bindings, press('b'))?.run();
    findKeyBinding(bindings, press('p'))?.run();
    expect(calls).toEqual([
      'propagate',
      'cancelPropagation',
      'closeFlag',
      'accept',
      'undo',
      'setTool(box)',
      'setTool(positive)',
    ]);
    // A short volume still pages by one slice; the proposal keys are not bound here.
    findKeyBinding(bindings, press('PageDown'))?.run();
    expect(calls.at(-1)).toBe('step(1)');
    expect(findKeyBinding(bindings, press('1'))).toBeUndefined();
  });
});
