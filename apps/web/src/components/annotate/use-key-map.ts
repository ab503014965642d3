'use client';
/**
 * Keyboard shortcuts as data: a list of bindings, matched on window keydown (never while typing
 * in an input). A page mode supplies its own list (annotate-key-bindings.ts for the annotate page).
 */
import { useEffect, useRef } from 'react';

export interface KeyBinding {
  /** `KeyboardEvent.key` lowercased: 'z', 'enter', '[', 'delete'. */
  key: string;
  /** Ctrl (or Cmd) held. A binding without it never fires while either is held. */
  mod?: boolean;
  /** true: only with Shift; false: only without; unset: either. */
  shift?: boolean;
  /** Stop the browser's own handling of the key. */
  preventDefault?: boolean;
  run: () => void;
}

export interface KeyPress {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
}

/** The first binding that matches the press, if any. */
export function findKeyBinding(
  bindings: readonly KeyBinding[],
  press: KeyPress,
): KeyBinding | undefined {
  const key = press.key.toLowerCase();
  const mod = press.ctrlKey || press.metaKey;
  return bindings.find(
    (b) =>
      b.key === key && !!b.mod === mod && (b.shift === undefined || b.shift === press.shiftKey),
  );
}

export function useKeyMap(bindings: readonly KeyBinding[]): void {
  const current = useRef(bindings);
  current.current = bindings;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement) return;
      const binding = findKeyBinding(current.current, e);
      if (!binding) return;
      if (binding.preventDefault) e.preventDefault();
      binding.run();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
