'use client';
/**
 * The task this page works on: leases the next one (or `?task=`), keeps the lease renewed, and
 * fetches its image. What the page does with an opened image (history, window, the model's copy)
 * is the caller's `prepare`; the image counts as ready once that is done.
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

export interface TaskSessionOptions {
  projectId: string;
  /** Open this task (`?task=`) instead of the next in the queue. */
  requestedTaskId: string | null;
  /** Runs once the image is fetched, before the page counts as ready. */
  prepare: (opened: OpenedTask) => Promise<void>;
  /** The image is ready for prompts. */
  onReady: (opened: OpenedTask) => void;
  /**
   * Lease and fetch the next task while this one is open, so moving on shows it at once (tag mode:
   * an image a second). The preloaded lease is renewed with the current one.
   */
  preloadNext?: boolean;
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
  /** The next task, leased and fetched ahead (preloadNext); null once used or when none is left. */
  const preloaded = useRef<Promise<OpenedTask | null> | null>(null);
  const preloadedId = useRef<string | null>(null);

  const preloadAfter = useCallback(
    (currentId: string) => {
      preloadedId.current = null;
      preloaded.current = (async () => {
        const view = await client.queue.next.mutate({ projectId, excludeTaskId: currentId });
        if (!view) return null;
        preloadedId.current = view.id;
        return { view, image: { id: view.image.id, ...(await fetchRawImage(view.image.id)) } };
      })().catch(() => null); // moving on then leases the next task the ordinary way
    },
    [client, projectId],
  );

  const load = useCallback(
    async (view: TaskView | null, fetched?: LoadedImage) => {
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
      const loaded: LoadedImage = fetched ?? {
        id: view.image.id,
        ...(await fetchRawImage(view.image.id)),
      };
      setImage(loaded);
      const opened = { view, image: loaded };
      await callbacks.current.prepare(opened);
      setImageReady(true);
      publishImageReady();
      openedAtRef.current = Date.now();
      callbacks.current.onReady(opened);
      if (callbacks.current.preloadNext) preloadAfter(view.id);
    },
    [preloadAfter],
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
    const ahead = preloaded.current;
    preloaded.current = null;
    preloadedId.current = null;
    const opened = ahead ? await ahead : null;
    if (opened) await load(opened.view, opened.image);
    else await loadNext();
  }, [load, loadNext, projectId, requestedTaskId, router]);

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

  // Renew the lease while the page is open (and the preloaded task's, which is not shown yet).
  useEffect(() => {
    if (!task) return;
    const timer = setInterval(() => {
      client.queue.renew.mutate({ projectId, taskId: task.id }).catch((error: unknown) => {
        setLeaseLost(true);
        toast.error(errorMessage(error));
      });
      const ahead = preloadedId.current;
      if (ahead)
        client.queue.renew.mutate({ projectId, taskId: ahead }).catch(() => {
          preloaded.current = null; // lost: moving on leases the next task the ordinary way
          preloadedId.current = null;
        });
    }, LEASE_RENEW_MS);
    return () => clearInterval(timer);
  }, [client, projectId, task, toast]);

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
