'use client';
/**
 * The volume a slice task belongs to, as the volume page works on it: volumes.open leases every
 * slice task, the leases are renewed together, and the slice on screen comes from a SliceCache that
 * fetches its neighbours ahead. Moving to a slice that is not in memory yet keeps the previous one
 * on screen until it arrives (the scrubber shows the new index at once).
 */
import { useMutation } from '@tanstack/react-query';
import type { inferRouterOutputs } from '@trpc/server';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { AppRouter } from '../../server/api/root';
import { errorMessage, useToast } from '../toast';
import { useTRPC, useTRPCClient } from '../trpc';
import { fetchRawImage } from './fetch-raw-image';
import { SliceCache } from './slice-cache';
import type { LoadedImage } from './use-task-session';

export type VolumeView = inferRouterOutputs<AppRouter>['volumes']['open'];
export type VolumeSliceInfo = VolumeView['slices'][number];

const LEASE_RENEW_MS = 60_000;

export function useVolumeSession(options: {
  projectId: string;
  /** The slice task the queue (or `?task=`) opened. */
  taskId: string;
  /** Runs once the volume is open and its first slice is in memory. */
  onOpen: (view: VolumeView, first: LoadedImage) => void;
}) {
  const { projectId, taskId } = options;
  const trpc = useTRPC();
  const client = useTRPCClient();
  const toast = useToast();
  const [view, setView] = useState<VolumeView | null>(null);
  const [sliceIndex, setSliceIndex] = useState(0);
  const [image, setImage] = useState<LoadedImage | null>(null);
  const [leaseLost, setLeaseLost] = useState(false);
  const cacheRef = useRef<SliceCache | null>(null);
  const wanted = useRef(0);
  const onOpen = useRef(options.onOpen);
  onOpen.current = options.onOpen;
  const open = useMutation(trpc.volumes.open.mutationOptions());

  useEffect(() => {
    let cancelled = false;
    void (async () => {
      try {
        const opened = await open.mutateAsync({ projectId, taskId });
        if (cancelled) return;
        const imageIds = opened.slices.map((s) => s.imageId);
        const cache = new SliceCache({ imageIds, fetchSlice: fetchRawImage });
        cacheRef.current = cache;
        const start = Math.max(
          0,
          opened.slices.findIndex((s) => s.sliceIndex === opened.startSlice),
        );
        const first = await cache.get(start);
        if (cancelled) return;
        wanted.current = start;
        setView(opened);
        setSliceIndex(start);
        setImage(first);
        onOpen.current(opened, first);
        void cache.prefetchAround(start, 1);
      } catch (error) {
        toast.error(errorMessage(error));
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [projectId, taskId]);

  // Renew every slice lease while the page is open.
  const volumeId = view?.id ?? null;
  useEffect(() => {
    if (!volumeId) return;
    const timer = setInterval(() => {
      client.volumes.renew.mutate({ projectId, volumeId }).catch((error: unknown) => {
        setLeaseLost(true);
        toast.error(errorMessage(error));
      });
    }, LEASE_RENEW_MS);
    return () => clearInterval(timer);
  }, [client, projectId, volumeId, toast]);

  /** Shows slice k (clamped to the volume); the newest request wins if several are in flight. */
  const goTo = useCallback(
    (k: number) => {
      const cache = cacheRef.current;
      if (!cache) return;
      const target = Math.min(cache.depth - 1, Math.max(0, Math.round(k)));
      const direction: 1 | -1 = target >= wanted.current ? 1 : -1;
      wanted.current = target;
      setSliceIndex(target);
      const ready = cache.peek(target);
      if (ready) setImage(ready);
      else
        cache
          .get(target)
          .then((loaded) => {
            if (wanted.current === target) setImage(loaded);
          })
          .catch((error: unknown) => toast.error(errorMessage(error)));
      void cache.prefetchAround(target, direction).catch(() => undefined);
    },
    [toast],
  );

  const step = useCallback((by: number) => goTo(wanted.current + by), [goTo]);

  /** Slice k's samples (fetched if needed): propagation reads every slice it visits. */
  const sliceImage = useCallback((k: number) => {
    const cache = cacheRef.current;
    if (!cache) return Promise.reject(new Error('the volume is not open yet'));
    return cache.get(k);
  }, []);

  const slice: VolumeSliceInfo | null = view?.slices[sliceIndex] ?? null;
  /** The image on screen is the slice the index says (false while it is still on its way). */
  const sliceShown = !!image && !!slice && image.id === slice.imageId;
  return { view, sliceIndex, slice, image, sliceShown, leaseLost, goTo, step, sliceImage };
}

export type VolumeSession = ReturnType<typeof useVolumeSession>;
