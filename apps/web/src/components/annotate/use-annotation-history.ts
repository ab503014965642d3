'use client';
/**
 * The page's objects and their undo history (the pure reducer in annotation-state.ts) held for
 * React, with a ref for handlers and late worker results that must see the newest history.
 */
import { useRef, useState, type Dispatch, type SetStateAction } from 'react';
import { initialHistory, type History } from './annotation-state';

export interface AnnotationHistory {
  history: History;
  /** The newest history, also between renders. */
  historyRef: { readonly current: History };
  setHistory: Dispatch<SetStateAction<History>>;
}

export function useAnnotationHistory(): AnnotationHistory {
  const [history, setHistory] = useState<History>(() => initialHistory(1, 1));
  const historyRef = useRef(history);
  historyRef.current = history;
  return { history, historyRef, setHistory };
}
