'use client';
/**
 * Ends the work on the task: submit (for review), skip or flag (with a reason), each recorded
 * with the seconds the image was open and sent after the buffered events; then the next task.
 */
import { useCallback } from 'react';
import { errorMessage, useToast } from '../toast';
import { useTRPCClient } from '../trpc';
import type { InteractionEvents } from './use-interaction-events';
import type { TaskSession } from './use-task-session';

export type FinishKind = 'submit' | 'skip' | 'flag';

const EVENT = { submit: 'IMAGE_CLOSED', skip: 'SKIP', flag: 'FLAG' } as const;
const BUSY = { submit: 'Submitting…', skip: 'Skipping…', flag: 'Flagging…' } as const;

export function useFinishTask(options: {
  projectId: string;
  session: TaskSession;
  events: InteractionEvents;
  busy: string | null;
  setBusy: (busy: string | null) => void;
}) {
  const { projectId, session, events, busy, setBusy } = options;
  const { taskRef, revisionRef, openedAtRef, moveOn } = session;
  const { record, flush } = events;
  const client = useTRPCClient();
  const toast = useToast();

  return useCallback(
    async (kind: FinishKind, reason?: string) => {
      const task = taskRef.current;
      if (!task || busy) return;
      setBusy(BUSY[kind]);
      try {
        record(EVENT[kind], {
          payload: {
            seconds: (Date.now() - openedAtRef.current) / 1000,
            ...(reason ? { reason } : {}),
          },
        });
        await flush();
        const ids = { projectId, taskId: task.id };
        if (kind === 'submit')
          await client.tasks.submit.mutate({ ...ids, expectedRevision: revisionRef.current });
        else if (kind === 'skip') await client.tasks.skip.mutate(ids);
        else await client.tasks.flag.mutate({ ...ids, reason: reason ?? 'flagged' });
        await moveOn();
      } catch (error) {
        toast.error(errorMessage(error));
      } finally {
        setBusy(null);
      }
    },
    [
      busy,
      client,
      flush,
      moveOn,
      openedAtRef,
      projectId,
      record,
      revisionRef,
      setBusy,
      taskRef,
      toast,
    ],
  );
}
