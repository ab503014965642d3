'use client';
/**
 * Saving and discarding the active object: accept sends its mask (and the model's proposal it
 * started from) to annotations.save; discard deletes a saved object on the server too. Saved work
 * leaves the local undo history (the server has it).
 */
import { encodeMaskRegionBytes } from '@loupe/prompts';
import { useMutation } from '@tanstack/react-query';
import { useCallback, useEffect } from 'react';
import { errorMessage, useToast } from '../toast';
import { useTRPC, useTRPCClient } from '../trpc';
import { activeObject, commit, markAccepted, removeObject } from './annotation-state';
import { bytesToBase64 } from './base64';
import { publishSave } from './loupe-test-hooks';
import { SAVE_RETRYING_LABEL, saveRetryDelay, shouldRetrySave } from './save-retry';
import type { AnnotationHistory } from './use-annotation-history';
import type { InteractionEvents } from './use-interaction-events';
import type { Predictions } from './use-predictions';
import type { PromptEditing } from './use-prompt-editing';
import type { TaskSession } from './use-task-session';

export function useObjectActions(options: {
  projectId: string;
  session: TaskSession;
  store: AnnotationHistory;
  events: InteractionEvents;
  effortOf: PromptEditing['effortOf'];
  forgetObject: Predictions['forgetObject'];
  /** What the page is busy with (saving, submitting), or null; one thing at a time. */
  busy: string | null;
  setBusy: (busy: string | null) => void;
}) {
  const { projectId, session, store, events, effortOf, forgetObject, busy, setBusy } = options;
  const { taskRef, revisionRef, image } = session;
  const { historyRef, setHistory } = store;
  const { record, flush } = events;
  const trpc = useTRPC();
  const client = useTRPCClient();
  const toast = useToast();
  // While the database is down (503) the save is tried again by itself; the mask stays meanwhile.
  const save = useMutation({
    ...trpc.annotations.save.mutationOptions(),
    retry: shouldRetrySave,
    retryDelay: saveRetryDelay,
  });
  const retrying = save.isPending && save.failureCount > 0;
  useEffect(() => {
    if (retrying) setBusy(SAVE_RETRYING_LABEL);
  }, [retrying, setBusy]);

  const accept = useCallback(async () => {
    const task = taskRef.current;
    const object = activeObject(historyRef.current.present);
    if (!task || !image || busy) return;
    if (!object || object.accepted || !object.mask) {
      toast.info('Nothing to accept yet: draw a box or paint a mask first.');
      return;
    }
    const { width, height } = image;
    const effort = effortOf(object.id);
    const proposalMask = object.proposal?.masks[object.chosenOutput] ?? null;
    setBusy('Saving…');
    await flush();
    const started = performance.now();
    try {
      const saved = await save.mutateAsync({
        projectId,
        taskId: task.id,
        objectId: object.id,
        expectedRevision: revisionRef.current,
        // The same id on every automatic retry: one that had committed is recognised, not a 409.
        clientSaveId: crypto.randomUUID(),
        // Run-length encoded from the crop-sized masks (same bytes as the full-resolution mask).
        finalRle: bytesToBase64(
          encodeMaskRegionBytes(width, height, object.mask.bounds, object.mask.data),
        ),
        proposalRle: proposalMask
          ? bytesToBase64(
              encodeMaskRegionBytes(width, height, proposalMask.bounds, proposalMask.data),
            )
          : null,
        modelVersionId: object.proposal?.modelVersionId ?? null,
        clicks: effort.clicks,
        brushStrokes: effort.strokes,
        activeSeconds: (Date.now() - object.startedAt) / 1000,
      });
      const saveMs = performance.now() - started;
      revisionRef.current = saved.revision;
      publishSave(saveMs);
      record('ACCEPT', {
        objectId: object.id,
        modelVersionId: object.proposal?.modelVersionId ?? null,
        payload: {
          area: saved.area,
          editPixels: saved.editPixels,
          chosenOutput: object.chosenOutput,
          saveMs,
        },
      });
      const mask = object.mask;
      setHistory((h) => ({
        past: [],
        present: markAccepted(h.present, object.id, mask),
        future: [],
      }));
      forgetObject(object.id);
      toast.success(`Object saved (${saved.area} px)`);
    } catch (error) {
      toast.error(errorMessage(error));
    } finally {
      setBusy(null);
    }
  }, [
    busy,
    effortOf,
    flush,
    forgetObject,
    historyRef,
    image,
    projectId,
    record,
    revisionRef,
    save,
    setBusy,
    setHistory,
    taskRef,
    toast,
  ]);

  const discard = useCallback(async () => {
    const task = taskRef.current;
    const object = activeObject(historyRef.current.present);
    if (!task || !object) return;
    // Saved objects (also ones reopened for correction) are deleted on the server too.
    if (object.accepted || object.savedMask) {
      try {
        const result = await client.annotations.remove.mutate({
          projectId,
          taskId: task.id,
          objectId: object.id,
        });
        revisionRef.current = result.revision;
        setHistory((h) => ({ past: [], present: removeObject(h.present, object.id), future: [] }));
        record('REJECT', { objectId: object.id, payload: { deleted: true } });
      } catch (error) {
        toast.error(errorMessage(error));
      }
    } else {
      setHistory((h) => commit(h, removeObject(h.present, object.id)));
      record('REJECT', { objectId: object.id });
    }
  }, [client, historyRef, projectId, record, revisionRef, setHistory, taskRef, toast]);

  return { accept, discard };
}
