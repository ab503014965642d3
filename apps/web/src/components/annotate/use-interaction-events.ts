'use client';
/**
 * Interaction events of the page: one EventRecorder for the page's lifetime (events kept in
 * IndexedDB until tRPC events.record acknowledges them, retried with backoff, sent with fetch
 * keepalive when the page is hidden or closed), `record` for the task open now, and the sync
 * status the toolbar shows. Every event the page records goes here.
 */
import type { InteractionType } from '@loupe/contracts';
import { TRPCClientError } from '@trpc/client';
import { useCallback, useEffect, useMemo, useSyncExternalStore } from 'react';
import superjson from 'superjson';
import { errorMessage, useToast } from '../toast';
import { useTRPCClient } from '../trpc';
import { EventRecorder, type EventSyncStatus, type RecordedEvent } from './event-recorder';
import { publishEventRecorded, publishEventsPending } from './loupe-test-hooks';
import { indexedDbEventStore } from './pending-event-store';

export interface EventDetails {
  objectId?: string | null;
  payload?: Record<string, unknown>;
  latencyMs?: number;
  modelVersionId?: string | null;
  /** When it happened, if not now (a click recorded once its result is drawn). */
  clientTime?: Date;
}

export type RecordEvent = (type: InteractionType, details?: EventDetails) => void;

export interface InteractionEvents {
  /** Records an event for the task open now (none open: dropped). */
  record: RecordEvent;
  /** Records an event for a given task (while it is still opening). */
  recordFor: (taskId: string, type: InteractionType, details?: EventDetails) => void;
  /** Sends everything waiting; saves and submits wait for it so the server has the events first. */
  flush: () => Promise<void>;
  /** How many events wait for the server, and whether sending them fails. */
  status: EventSyncStatus;
}

/** Refusals no retry fixes: bad input, not allowed, gone. Offline, 5xx, 401, 408, 429 are retried. */
function isPermanentRefusal(error: unknown): boolean {
  if (!(error instanceof TRPCClientError)) return false;
  const status = (error.data as { httpStatus?: number } | undefined)?.httpStatus ?? 0;
  return status >= 400 && status < 500 && ![401, 408, 429].includes(status);
}

/** Keepalive requests may carry 64 KiB in all; what does not fit waits for the next page. */
const KEEPALIVE_BUDGET_BYTES = 60_000;

function keepaliveSender(projectId: string) {
  let budget = KEEPALIVE_BUDGET_BYTES;
  return (taskId: string, events: RecordedEvent[]) => {
    for (let size = events.length; size > 0 && budget > 0;) {
      const body = JSON.stringify(
        superjson.serialize({ projectId, taskId, events: events.slice(0, size) }),
      );
      if (body.length > budget) {
        size = Math.floor(size / 2);
        continue;
      }
      budget -= body.length;
      // The answer never arrives on a closing page; the events stay stored until a later send is acknowledged.
      void fetch('/api/trpc/events.record', {
        method: 'POST',
        keepalive: true,
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json' },
        body,
      }).catch(() => undefined);
      events = events.slice(size);
      size = events.length;
    }
  };
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
        projectId,
        (taskId, events) => client.events.record.mutate({ projectId, taskId, events }),
        indexedDbEventStore(),
        (error, dropped) =>
          toast.error(`${dropped} interaction events were refused: ${errorMessage(error)}`),
        { isPermanent: isPermanentRefusal },
      ),
    [client, projectId, toast],
  );
  useEffect(() => {
    void recorder.start();
    const leaving = () => recorder.flushOnExit(keepaliveSender(projectId));
    const hidden = () => {
      if (document.visibilityState === 'hidden') leaving();
    };
    window.addEventListener('pagehide', leaving);
    document.addEventListener('visibilitychange', hidden);
    return () => {
      window.removeEventListener('pagehide', leaving);
      document.removeEventListener('visibilitychange', hidden);
      void recorder.stop();
    };
  }, [recorder, projectId]);
  const status = useSyncExternalStore(recorder.subscribe, recorder.getStatus, recorder.getStatus);
  useEffect(() => publishEventsPending(status.pending), [status.pending]);

  const recordFor = useCallback(
    (taskId: string, type: InteractionType, details: EventDetails = {}) =>
      publishEventRecorded(recorder.record(taskId, { type, ...details })),
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
  return { record, recordFor, flush, status };
}
