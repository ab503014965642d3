'use client';
/**
 * Box-only mode of the annotate page: draw a box around each object, no mask review, Enter saves
 * the boxes as weak labels and shows the next image (preloaded). Composes the same session,
 * events, idle, view and key hooks as mask mode; no model runs.
 */
import { useQuery } from '@tanstack/react-query';
import { useSearchParams } from 'next/navigation';
import { useRef, useState } from 'react';
import { useTRPC } from '../trpc';
import { BoxListPanel } from './box-list-panel';
import { LeaseLostBanner } from './lease-lost-banner';
import { QueueEmpty } from './queue-empty';
import { useFinishTask } from './use-finish-task';
import { useIdleTracking } from './use-idle-tracking';
import { useInteractionEvents } from './use-interaction-events';
import { useKeyMap } from './use-key-map';
import { useTaskSession } from './use-task-session';
import { useViewSettings } from './use-view-settings';
import { useWeakBoxes } from './use-weak-boxes';
import { ViewerCanvas, type ViewerHandle } from './viewer-canvas';
import { ViewerStatus } from './viewer-status';
import { boxKeyBindings } from './weak-label-key-bindings';
import { WeakLabelToolbar } from './weak-label-toolbar';

const noop = () => undefined;
const NO_OBJECTS: never[] = [];

export function BoxModeWorkspace({ projectId }: { projectId: string }) {
  const trpc = useTRPC();
  const requestedTaskId = useSearchParams().get('task');
  const project = useQuery(trpc.projects.get.queryOptions({ projectId }));
  const viewer = useRef<ViewerHandle>(null);
  const [busy, setBusy] = useState<string | null>(null);

  const session = useTaskSession({
    projectId,
    requestedTaskId,
    mode: 'box',
    prepare: async ({ view, image }) => {
      boxes.reset();
      display.resetWindow(image, view.image.defaultWindow);
    },
    onReady: ({ view, image }) => {
      const { width, height, bitDepth } = image;
      events.recordFor(view.id, 'IMAGE_OPENED', {
        payload: { width, height, bitDepth, mode: 'box' },
      });
    },
  });
  const display = useViewSettings(session.image);
  const events = useInteractionEvents(projectId, session.taskRef);
  const boxes = useWeakBoxes({ projectId, session, events, busy, setBusy });
  const finish = useFinishTask({ projectId, session, events, busy, setBusy });
  useIdleTracking(events.record);
  useKeyMap(
    boxKeyBindings({
      save: boxes.save,
      removeLast: boxes.removeLast,
      skip: () => void finish('skip'),
      zoomIn: () => viewer.current?.zoomBy(1.25),
      zoomOut: () => viewer.current?.zoomBy(0.8),
      fit: () => viewer.current?.fit(),
    }),
  );

  if (session.queueEmpty) return <QueueEmpty onCheckAgain={() => void session.loadNext()} />;
  const { image } = session;
  return (
    <div className="flex h-full min-h-0 flex-col" data-testid="annotate-page" data-mode="box">
      <WeakLabelToolbar projectId={projectId} mode="box" task={session.task} />
      {session.leaseLost && <LeaseLostBanner onReopen={session.reopen} />}
      <div className="flex min-h-0 flex-1">
        <div className="relative min-w-0 flex-1">
          {image ? (
            <ViewerCanvas
              ref={viewer}
              imageCanvas={display.imageCanvas}
              width={image.width}
              height={image.height}
              objects={NO_OBJECTS}
              activeId={null}
              tool="box"
              brushRadius={display.brushRadius}
              overlayOpacity={display.overlayOpacity}
              showMasks={false}
              boxes={boxes.boxes}
              onBox={boxes.add}
              onClick={noop}
              onStroke={noop}
              onWindowDrag={display.onWindowDrag}
            />
          ) : (
            <div className="flex h-full items-center justify-center text-sm text-slate-500">
              Loading image…
            </div>
          )}
          <ViewerStatus hasImage={!!image} modelReady imageReady={session.imageReady} busy={busy} />
        </div>
        <aside className="flex w-72 shrink-0 flex-col gap-4 overflow-y-auto border-l border-slate-800 bg-slate-900/60 p-4 text-sm">
          <BoxListPanel
            boxes={boxes.boxes}
            savedImages={boxes.savedImages}
            objectLabel={project.data?.objectLabel ?? 'object'}
            busy={!!busy || !session.imageReady}
            onRemoveLast={boxes.removeLast}
            onSave={boxes.save}
            onSkip={() => void finish('skip')}
          />
        </aside>
      </div>
    </div>
  );
}
