'use client';
/**
 * IDLE_START after a minute without input, IDLE_END on the next input, so active time excludes
 * breaks (the dashboard counts no time in a gap that starts at IDLE_START).
 */
import { useEffect } from 'react';
import type { RecordEvent } from './use-interaction-events';

const IDLE_AFTER_MS = 60_000;

export function useIdleTracking(record: RecordEvent, afterMs = IDLE_AFTER_MS): void {
  useEffect(() => {
    let idle = false;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const arm = () => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => {
        idle = true;
        record('IDLE_START', { payload: { afterSeconds: afterMs / 1000 } });
      }, afterMs);
    };
    const onActivity = () => {
      if (idle) {
        idle = false;
        record('IDLE_END');
      }
      arm();
    };
    arm();
    const inputs = ['pointerdown', 'keydown', 'wheel'] as const;
    for (const input of inputs) window.addEventListener(input, onActivity);
    return () => {
      if (timer) clearTimeout(timer);
      for (const input of inputs) window.removeEventListener(input, onActivity);
    };
  }, [afterMs, record]);
}
