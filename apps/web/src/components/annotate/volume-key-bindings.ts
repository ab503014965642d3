/**
 * The volume page's keys: the 2-D page's (tools, accept, submit, undo, zoom; listed in
 * task-actions-panel.tsx) plus slice navigation and propagation. Down and the wheel go to the next
 * slice (higher index), as in most viewers; PageUp/PageDown jump a tenth of the volume.
 */
import { annotateKeyBindings, type AnnotateKeyActions } from './annotate-key-bindings';
import type { KeyBinding } from './use-key-map';

export interface VolumeKeyActions extends Omit<AnnotateKeyActions, 'chooseProposal'> {
  /** Moves by `by` slices (clamped by the page). */
  step(by: number): void;
  /** Slice index 0 or the last. */
  first(): void;
  last(): void;
  propagate(): void;
  cancelPropagation(): void;
}

export function volumeKeyBindings(a: VolumeKeyActions, depth: number): KeyBinding[] {
  const page = Math.max(1, Math.round(depth / 10));
  return [
    { key: 'arrowdown', preventDefault: true, run: () => a.step(1) },
    { key: 'arrowup', preventDefault: true, run: () => a.step(-1) },
    { key: 'pagedown', preventDefault: true, run: () => a.step(page) },
    { key: 'pageup', preventDefault: true, run: () => a.step(-page) },
    { key: 'home', preventDefault: true, run: a.first },
    { key: 'end', preventDefault: true, run: a.last },
    // P alone is the positive-point tool.
    { key: 'p', shift: true, run: a.propagate },
    {
      key: 'escape',
      run: () => {
        a.cancelPropagation();
        a.closeFlag();
      },
    },
    // The 2-D page's keys; the proposal outputs (1-4) are chosen per slice by the model here.
    ...annotateKeyBindings({ ...a, chooseProposal: () => undefined }).filter(
      (b) => b.key !== 'escape' && !['1', '2', '3', '4'].includes(b.key),
    ),
  ];
}
