'use client';
/**
 * Interaction events of the page: one EventRecorder (batched sends to tRPC events.record) for the
 * page's lifetime, and `record` for the task open now. Every event the page records goes here.
 */
import type { InteractionType } from '@loupe/contracts';
import { useCallback, useEffect, useMemo } from 'react';
import { errorMessage, useToast } from '../toast';
import { useTRPCClient } from '../trpc';
import { EventRecorder } from './event-recorder';

export interface EventDetails {
  objectId?: string | null;
  payload?: Record<string, unknown>;
  latencyMs?: number;
  modelVersionId?: string | null;
}

export type RecordEvent = (type: InteractionType, details?: EventDetails) => void;

export interface InteractionEvents {
  /** Records an event for the task open now (none open: dropped). */
  record: RecordEvent;
  /** Records an event for a given task (while it is still opening). */
  recordFor: (taskId: string, type: InteractionType, details?: EventDetails) => void;
  /** Sends everything buffered; saves and submits wait for it so the server has the events first. */
  flush: () => Promise<void>;
}

export function useInteractionEvents(
  projectId: string,
  openTask: { readonly current: { id: string } | null },
): InteractionEvents {
  const client = useTRPCClient();
  const toast = useToast();
  const recorder = useMemo(
    () =>
      new EventRecorder(
        (taskId, events) => client.events.record.mutate({ projectId, taskId, events }),
        (error) => toast.error(`Could not record interaction events: ${errorMessage(error)}`),
      ),
    [client, projectId, toast],
  );
  useEffect(() => {
    recorder.start();
    return () => void recorder.stop();
  }, [recorder]);

  const recordFor = useCallback(
    (taskId: string, type: InteractionType, details: EventDetails = {}) =>
      recorder.record(taskId, { type, ...details }),
    [recorder],
  );
  const record = useCallback<RecordEvent>(
    (type, details) => {
      const task = openTask.current;
      if (task) recordFor(task.id, type, details);
    },
    [openTask, recordFor],
  );
  const flush = useCallback(() => recorder.flush(), [recorder]);
  return { record, recordFor, flush };
}
