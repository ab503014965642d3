'use client';
/**
 * The page's objects and their undo history (the pure reducer in annotation-state.ts) held for
 * React, with a ref for handlers and late worker results that must see the newest history.
 * setHistory updates the ref at once (React renders later): a worker result can be drawn straight
 * away from it, and the next click builds on it, before React has rendered.
 */
import {
  useCallback,
  useEffect,
  useRef,
  useState,
  type Dispatch,
  type SetStateAction,
} from 'react';
import { initialHistory, type History } from './annotation-state';

export interface AnnotationHistory {
  history: History;
  /** The newest history, also between renders. */
  historyRef: { readonly current: History };
  setHistory: Dispatch<SetStateAction<History>>;
  /**
   * setHistory whose render waits: the ref changes at once, React renders it with the next
   * setHistory or after `maxMs`, whichever comes first. A click's own render would otherwise
   * give the browser a frame to paint (and the worker's result to wait behind) just before the
   * result that shows the click arrives.
   */
  setHistoryLater: (action: SetStateAction<History>, maxMs: number) => void;
}

export function useAnnotationHistory(): AnnotationHistory {
  const [history, setState] = useState<History>(() => initialHistory(1, 1));
  const historyRef = useRef(history);
  const renderLater = useRef<ReturnType<typeof setTimeout> | null>(null);
  const setHistory = useCallback<Dispatch<SetStateAction<History>>>((action) => {
    const next = typeof action === 'function' ? action(historyRef.current) : action;
    historyRef.current = next;
    if (renderLater.current !== null) clearTimeout(renderLater.current);
    renderLater.current = null;
    setState(next);
  }, []);
  const setHistoryLater = useCallback((action: SetStateAction<History>, maxMs: number) => {
    historyRef.current = typeof action === 'function' ? action(historyRef.current) : action;
    renderLater.current ??= setTimeout(() => {
      renderLater.current = null;
      setState(historyRef.current);
    }, maxMs);
  }, []);
  useEffect(
    () => () => {
      if (renderLater.current !== null) clearTimeout(renderLater.current);
    },
    [],
  );
  return { history, historyRef, setHistory, setHistoryLater };
}
