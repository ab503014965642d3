'use client';
/**
 * What the fast label modes (tag, box-only) share: the leased task with the next one preloaded,
 * interaction events, idle tracking, the view settings, finishing (skip) and the view keys. Each
 * mode adds its own labels hook and panel on top; no model runs in either.
 */
import { useQuery } from '@tanstack/react-query';
import { useSearchParams } from 'next/navigation';
import { useRef, useState } from 'react';
import { useTRPC } from '../trpc';
import { useFinishTask } from './use-finish-task';
import { useIdleTracking } from './use-idle-tracking';
import { useInteractionEvents } from './use-interaction-events';
import { useTaskSession } from './use-task-session';
import { useViewSettings } from './use-view-settings';
import type { ViewerHandle } from './viewer-canvas';
import type { ViewKeyActions } from './weak-label-key-bindings';

export type WeakLabelMode = 'tag' | 'box';

export function useWeakLabelSession(options: {
  projectId: string;
  mode: WeakLabelMode;
  /** Clears the mode's labels before the next image shows. */
  onNextImage?: () => void;
}) {
  const { projectId, mode } = options;
  const trpc = useTRPC();
  const requestedTaskId = useSearchParams().get('task');
  const project = useQuery(trpc.projects.get.queryOptions({ projectId }));
  const viewer = useRef<ViewerHandle>(null);
  const [busy, setBusy] = useState<string | null>(null);

  const session = useTaskSession({
    projectId,
    requestedTaskId,
    mode,
    prepare: async ({ view, image }) => {
      options.onNextImage?.();
      display.resetWindow(image, view.image.defaultWindow);
    },
    onReady: ({ view, image }) => {
      const { width, height, bitDepth } = image;
      events.recordFor(view.id, 'IMAGE_OPENED', { payload: { width, height, bitDepth, mode } });
    },
  });
  const display = useViewSettings(session.image);
  const events = useInteractionEvents(projectId, session.taskRef);
  const finish = useFinishTask({ projectId, session, events, busy, setBusy });
  useIdleTracking(events.record);

  const skip = () => void finish('skip');
  const viewKeys: ViewKeyActions = {
    skip,
    zoomIn: () => viewer.current?.zoomBy(1.25),
    zoomOut: () => viewer.current?.zoomBy(0.8),
    fit: () => viewer.current?.fit(),
  };
  return { project: project.data, viewer, busy, setBusy, session, display, events, skip, viewKeys };
}

export type WeakLabelSession = ReturnType<typeof useWeakLabelSession>;
