import { describe, expect, it } from 'vitest';
import { annotateKeyBindings, type AnnotateKeyActions } from './annotate-key-bindings';
import { findKeyBinding, type KeyPress } from './use-key-map';

/** Bindings whose actions log what they did, and a way to press a key. */
function keyboard() {
  const log: string[] = [];
  const actions = new Proxy({} as AnnotateKeyActions, {
    get: (_, name: string) => (arg?: unknown) =>
      log.push(arg === undefined ? name : `${name}(${String(arg)})`),
  });
  const bindings = annotateKeyBindings(actions);
  const press = (key: string, mods: Partial<Omit<KeyPress, 'key'>> = {}) => {
    const binding = findKeyBinding(bindings, {
      key,
      ctrlKey: false,
      metaKey: false,
      shiftKey: false,
      ...mods,
    });
    binding?.run();
    return binding;
  };
  return { log, press };
}

describe('annotate key bindings', () => {
  it('undo, redo, accept and submit, with the modifiers that select each', () => {
    const { log, press } = keyboard();
    press('z', { ctrlKey: true });
    press('Z', { ctrlKey: true, shiftKey: true });
    press('y', { metaKey: true });
    press('Enter');
    press('Enter', { shiftKey: true });
    press('d');
    expect(log).toEqual(['undo', 'redo', 'redo', 'accept', 'submit', 'submit']);
    expect(press('Enter')?.preventDefault).toBe(true);
  });

  it('selects every tool by its letter, also with Shift held', () => {
    const { log, press } = keyboard();
    for (const key of ['b', 'p', 'n', 'r', 'E', 'h', 'w']) press(key, { shiftKey: key === 'E' });
    expect(log).toEqual([
      'setTool(box)',
      'setTool(positive)',
      'setTool(negative)',
      'setTool(brush)',
      'setTool(eraser)',
      'setTool(pan)',
      'setTool(window)',
    ]);
  });

  it('digits choose proposals 1-4 and 0 fits; brackets, zoom, masks, delete, flag and escape', () => {
    const { log, press } = keyboard();
    for (const key of ['1', '4', '5', '0', '[', ']', '=', '+', '-', 'm', 'Delete', 'Backspace'])
      press(key, { shiftKey: key === '+' });
    press('f');
    press('s');
    press('Escape');
    expect(log).toEqual([
      'chooseProposal(0)',
      'chooseProposal(3)',
      'fit',
      'brushSmaller',
      'brushLarger',
      'zoomIn',
      'zoomIn',
      'zoomOut',
      'toggleMasks',
      'discard',
      'discard',
      'openFlag',
      'skip',
      'closeFlag',
    ]);
  });

  it('leaves Ctrl/Cmd shortcuts other than undo/redo to the browser', () => {
    const { log, press } = keyboard();
    expect(press('s', { ctrlKey: true })).toBeUndefined();
    expect(press('Enter', { metaKey: true })).toBeUndefined();
    expect(press('b', { ctrlKey: true })).toBeUndefined();
    expect(log).toEqual([]);
  });
});
