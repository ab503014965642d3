'use client';
/**
 * The task this page works on: leases the next one (or `?task=`), keeps the lease renewed, and
 * fetches its image. What the page does with an opened image (history, window, the model's copy)
 * is the caller's `prepare`; the image counts as ready once that is done.
 *
 * Lease-ahead: once an image is ready, the page leases the task after it (`queue.next` with
 * `excludeTaskId` = the task on screen) and fetches that image's pixels and thumbnail while the
 * current one is annotated, so "next image" does not wait for the network. The rule that keeps
 * this from hoarding: a user holds at most two live leases in a project, the task on screen and
 * one ahead. `queue.next` always serves the caller's own live lease first, so the lease-ahead call
 * returns the existing ahead task when there is one (never a third), and the next `queue.next`
 * after submit / skip / flag returns the ahead task itself. The ahead lease is renewed with the
 * current one, released when the page goes away, and otherwise lapses after the project's lease
 * time like any lease (a closed tab), when anyone may take it.
 */
import type { RawImage } from '@loupe/contracts';
import { useMutation } from '@tanstack/react-query';
import type { inferRouterOutputs } from '@trpc/server';
import { useRouter } from 'next/navigation';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { AppRouter } from '../../server/api/root';
import { errorMessage, useToast } from '../toast';
import { useTRPC, useTRPCClient } from '../trpc';
import { annotateHref, type AnnotateMode } from './annotate-modes';
import { fetchRawImage } from './fetch-raw-image';
import { publishImageReady, publishTaskOpening } from './loupe-test-hooks';

export type TaskView = NonNullable<inferRouterOutputs<AppRouter>['queue']['next']>;
/** The task's image as the page holds it. */
export type LoadedImage = RawImage & { id: string };
export interface OpenedTask {
  view: TaskView;
  image: LoadedImage;
}

const LEASE_RENEW_MS = 60_000;

/** The task leased ahead and its image, fetched while the current one is annotated. */
interface AheadTask {
  taskId: string;
  imageId: string;
  image: Promise<RawImage>;
}

export interface TaskSessionOptions {
  projectId: string;
  /** Open this task (`?task=`) instead of the next in the queue. */
  requestedTaskId: string | null;
  /** Runs once the image is fetched, before the page counts as ready. */
  prepare: (opened: OpenedTask) => Promise<void>;
  /** The image is ready for prompts. */
  onReady: (opened: OpenedTask) => void;
  /** The page's label mode (kept in the address when a `?task=` link is left behind). */
  mode?: AnnotateMode;
}

export function useTaskSession(options: TaskSessionOptions) {
  const { projectId, requestedTaskId } = options;
  const trpc = useTRPC();
  const client = useTRPCClient();
  const toast = useToast();
  const router = useRouter();
  const [task, setTask] = useState<TaskView | null>(null);
  const [image, setImage] = useState<LoadedImage | null>(null);
  const [imageReady, setImageReady] = useState(false);
  const [queueEmpty, setQueueEmpty] = useState(false);
  const [leaseLost, setLeaseLost] = useState(false);
  const taskRef = useRef<TaskView | null>(null);
  taskRef.current = task;
  /** The task's revision as this page last saw it: the expectedRevision of saves and submits. */
  const revisionRef = useRef<number | undefined>(undefined);
  /** When the image became ready (for the seconds recorded when the task is closed). */
  const openedAtRef = useRef(0);
  const callbacks = useRef(options);
  callbacks.current = options;
  const aheadRef = useRef<AheadTask | null>(null);

  /** Leases the task after `currentTaskId` and starts fetching its image (best effort). */
  const leaseAhead = useCallback(
    (currentTaskId: string) => {
      client.queue.next
        .mutate({ projectId, excludeTaskId: currentTaskId })
        .then((view) => {
          if (!view) {
            aheadRef.current = null;
            return;
          }
          if (aheadRef.current?.taskId === view.id && aheadRef.current.imageId === view.image.id)
            return;
          const image = fetchRawImage(view.image.id);
          // A failed prefetch only means the next image is fetched when it is opened.
          image.catch(() => undefined);
          void fetch(`/api/images/${view.image.id}/thumbnail`).catch(() => undefined);
          aheadRef.current = { taskId: view.id, imageId: view.image.id, image };
        })
        .catch(() => {
          // Without a lease ahead the next queue.next simply leases as before.
          aheadRef.current = null;
        });
    },
    [client, projectId],
  );

  /** The image's samples: the prefetched copy when this is the task leased ahead. */
  const fetchImage = useCallback(async (imageId: string): Promise<RawImage> => {
    const ahead = aheadRef.current;
    if (ahead?.imageId === imageId) {
      aheadRef.current = null;
      try {
        return await ahead.image;
      } catch {
        // The prefetch failed: fetch it now, and show that error if it fails again.
      }
    }
    return fetchRawImage(imageId);
  }, []);

  const load = useCallback(
    async (view: TaskView | null) => {
      setImage(null);
      setImageReady(false);
      setLeaseLost(false);
      if (!view) {
        setTask(null);
        setQueueEmpty(true);
        return;
      }
      setQueueEmpty(false);
      setTask(view);
      revisionRef.current = view.revision;
      publishTaskOpening(view.id, view.image.id);
      const loaded: LoadedImage = { id: view.image.id, ...(await fetchImage(view.image.id)) };
      setImage(loaded);
      const opened = { view, image: loaded };
      await callbacks.current.prepare(opened);
      setImageReady(true);
      publishImageReady();
      openedAtRef.current = Date.now();
      callbacks.current.onReady(opened);
      leaseAhead(view.id);
    },
    [fetchImage, leaseAhead],
  );

  const next = useMutation(trpc.queue.next.mutationOptions());
  const open = useMutation(trpc.queue.open.mutationOptions());
  const loadNext = useCallback(async () => {
    try {
      await load(await next.mutateAsync({ projectId }));
    } catch (error) {
      toast.error(errorMessage(error));
    }
  }, [load, projectId, toast]);

  /** After a submit, skip or flag: on to the next task (leaving a `?task=` link behind). */
  const moveOn = useCallback(async () => {
    if (requestedTaskId) router.replace(annotateHref(projectId, callbacks.current.mode ?? 'mask'));
    await loadNext();
  }, [loadNext, projectId, requestedTaskId, router]);

  /** Takes the lease again after it lapsed, and reloads the task from the server. */
  const reopen = useCallback(() => {
    const current = taskRef.current;
    if (!current) return;
    open
      .mutateAsync({ projectId, taskId: current.id })
      .then(load)
      .catch((error: unknown) => toast.error(errorMessage(error)));
  }, [load, projectId, toast]);

  const started = useRef(false);
  useEffect(() => {
    if (started.current) return;
    started.current = true;
    void (async () => {
      try {
        if (requestedTaskId)
          await load(await open.mutateAsync({ projectId, taskId: requestedTaskId }));
        else await load(await next.mutateAsync({ projectId }));
      } catch (error) {
        toast.error(errorMessage(error));
        if (requestedTaskId)
          router.replace(annotateHref(projectId, callbacks.current.mode ?? 'mask'));
      }
    })();
  }, []);

  // Renew the lease while the page is open (and the lease ahead, which may quietly lapse).
  useEffect(() => {
    if (!task) return;
    const timer = setInterval(() => {
      client.queue.renew.mutate({ projectId, taskId: task.id }).catch((error: unknown) => {
        setLeaseLost(true);
        toast.error(errorMessage(error));
      });
      const ahead = aheadRef.current;
      if (ahead && ahead.taskId !== task.id)
        client.queue.renew.mutate({ projectId, taskId: ahead.taskId }).catch(() => {
          if (aheadRef.current === ahead) aheadRef.current = null;
        });
    }, LEASE_RENEW_MS);
    return () => clearInterval(timer);
  }, [client, projectId, task, toast]);

  // Leaving the page gives the lease ahead back (a closed tab's lapses on its own).
  useEffect(
    () => () => {
      const ahead = aheadRef.current;
      aheadRef.current = null;
      if (ahead && ahead.taskId !== taskRef.current?.id)
        client.queue.release.mutate({ projectId, taskId: ahead.taskId }).catch(() => undefined);
    },
    [client, projectId],
  );

  return {
    task,
    image,
    imageReady,
    queueEmpty,
    leaseLost,
    taskRef,
    revisionRef,
    openedAtRef,
    loadNext,
    moveOn,
    reopen,
  };
}

export type TaskSession = ReturnType<typeof useTaskSession>;
