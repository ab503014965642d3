'use client';
/**
 * Box-only mode's labels: the boxes drawn on the open image (each a BOX event), removing the last,
 * and saving them as weak labels (IMAGE_CLOSED with the seconds and box count, then
 * weakLabels.saveBoxes, then the next image). No model runs and no mask is reviewed.
 */
import type { Box } from '@loupe/prompts';
import { useCallback, useState } from 'react';
import { useTRPCClient } from '../trpc';
import type { InteractionEvents } from './use-interaction-events';
import type { TaskSession } from './use-task-session';
import { useWeakLabelSave } from './use-weak-label-save';

export function useWeakBoxes(options: {
  projectId: string;
  session: TaskSession;
  events: InteractionEvents;
  busy: string | null;
  setBusy: (busy: string | null) => void;
}) {
  const { projectId, session, events, busy, setBusy } = options;
  const client = useTRPCClient();
  const saveLabels = useWeakLabelSave({ session, busy, setBusy });
  const [boxes, setBoxes] = useState<Box[]>([]);
  const [savedImages, setSavedImages] = useState(0);

  const add = useCallback(
    (box: Box) => {
      if (!session.imageReady) return;
      events.record('BOX', { payload: { box, mode: 'box' } });
      setBoxes((list) => [...list, box]);
    },
    [events, session.imageReady],
  );

  const removeLast = useCallback(() => {
    setBoxes((list) => {
      if (list.length === 0) return list;
      events.record('UNDO', { payload: { mode: 'box', removed: 'box' } });
      return list.slice(0, -1);
    });
  }, [events]);

  /** A new image starts with no boxes. */
  const reset = useCallback(() => setBoxes([]), []);

  const save = useCallback(async () => {
    if (boxes.length === 0) return;
    await saveLabels('Saving boxes…', async (taskId) => {
      events.record('IMAGE_CLOSED', {
        payload: {
          seconds: (Date.now() - session.openedAtRef.current) / 1000,
          mode: 'box',
          boxes: boxes.length,
        },
      });
      await events.flush();
      await client.weakLabels.saveBoxes.mutate({
        projectId,
        taskId,
        boxes,
        expectedRevision: session.revisionRef.current,
      });
      setSavedImages((n) => n + 1);
    });
  }, [boxes, client, events, projectId, saveLabels, session]);

  return { boxes, savedImages, add, removeLast, reset, save: () => void save() };
}
