/**
 * The annotate page's keyboard shortcuts (listed for people in task-actions-panel.tsx).
 */
import { TOOLS } from './annotate-tools';
import type { KeyBinding } from './use-key-map';
import type { Tool } from './viewer-canvas';

export interface AnnotateKeyActions {
  undo(): void;
  redo(): void;
  accept(): void;
  submit(): void;
  skip(): void;
  openFlag(): void;
  closeFlag(): void;
  setTool(tool: Tool): void;
  /** Decoder output 0..3 of the active object's proposal. */
  chooseProposal(index: number): void;
  toggleMasks(): void;
  brushSmaller(): void;
  brushLarger(): void;
  zoomIn(): void;
  zoomOut(): void;
  fit(): void;
  discard(): void;
}

export function annotateKeyBindings(a: AnnotateKeyActions): KeyBinding[] {
  return [
    { key: 'z', mod: true, shift: false, preventDefault: true, run: a.undo },
    { key: 'z', mod: true, shift: true, preventDefault: true, run: a.redo },
    { key: 'y', mod: true, preventDefault: true, run: a.redo },
    { key: 'enter', shift: false, preventDefault: true, run: a.accept },
    { key: 'enter', shift: true, preventDefault: true, run: a.submit },
    ...TOOLS.map((t) => ({ key: t.key.toLowerCase(), run: () => a.setTool(t.tool) })),
    ...[0, 1, 2, 3].map((index) => ({
      key: String(index + 1),
      run: () => a.chooseProposal(index),
    })),
    { key: 's', run: a.skip },
    { key: 'f', run: a.openFlag },
    { key: 'd', run: a.submit },
    { key: 'm', run: a.toggleMasks },
    { key: '[', run: a.brushSmaller },
    { key: ']', run: a.brushLarger },
    { key: '=', run: a.zoomIn },
    { key: '+', run: a.zoomIn },
    { key: '-', run: a.zoomOut },
    { key: '0', run: a.fit },
    { key: 'delete', run: a.discard },
    { key: 'backspace', run: a.discard },
    { key: 'escape', run: a.closeFlag },
  ];
}
