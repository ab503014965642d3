'use client';
/**
 * The page's objects and their undo history (the pure reducer in annotation-state.ts) held for
 * React, with a ref for handlers and late worker results that must see the newest history.
 * setHistory updates the ref at once (React renders later): a worker result can be drawn straight
 * away from it, and the next click builds on it, before React has rendered.
 */
import { useCallback, useRef, useState, type Dispatch, type SetStateAction } from 'react';
import { initialHistory, type History } from './annotation-state';

export interface AnnotationHistory {
  history: History;
  /** The newest history, also between renders. */
  historyRef: { readonly current: History };
  setHistory: Dispatch<SetStateAction<History>>;
}

export function useAnnotationHistory(): AnnotationHistory {
  const [history, setState] = useState<History>(() => initialHistory(1, 1));
  const historyRef = useRef(history);
  const setHistory = useCallback<Dispatch<SetStateAction<History>>>((action) => {
    const next = typeof action === 'function' ? action(historyRef.current) : action;
    historyRef.current = next;
    setState(next);
  }, []);
  return { history, historyRef, setHistory };
}
