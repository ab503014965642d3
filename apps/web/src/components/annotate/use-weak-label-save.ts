'use client';
/**
 * The save step that tag mode and box-only mode share: one save at a time (the page's busy line
 * says what is saving), the error as a toast, and on success the preloaded next image.
 */
import { useCallback } from 'react';
import { errorMessage, useToast } from '../toast';
import type { TaskSession } from './use-task-session';

export function useWeakLabelSave(options: {
  session: TaskSession;
  busy: string | null;
  setBusy: (busy: string | null) => void;
}) {
  const { session, busy, setBusy } = options;
  const toast = useToast();
  return useCallback(
    async (busyLine: string, saveLabels: (taskId: string) => Promise<void>) => {
      const task = session.taskRef.current;
      if (!task || busy) return;
      setBusy(busyLine);
      try {
        await saveLabels(task.id);
        await session.moveOn();
      } catch (error) {
        toast.error(errorMessage(error));
      } finally {
        setBusy(null);
      }
    },
    [busy, session, setBusy, toast],
  );
}
