'use client';
/**
 * Tag mode of the annotate page: the image, one key per tag (1 present, 2 absent, 3.. the
 * project's own), and the next image already leased and fetched, so tagging takes about a second
 * an image. Composes the same session, events, idle, view and key hooks as mask mode; no model.
 */
import { projectTags } from '@loupe/contracts';
import { useQuery } from '@tanstack/react-query';
import { useSearchParams } from 'next/navigation';
import { useRef, useState } from 'react';
import { useTRPC } from '../trpc';
import { LeaseLostBanner } from './lease-lost-banner';
import { QueueEmpty } from './queue-empty';
import { TagPanel } from './tag-panel';
import { useFinishTask } from './use-finish-task';
import { useIdleTracking } from './use-idle-tracking';
import { useInteractionEvents } from './use-interaction-events';
import { useKeyMap } from './use-key-map';
import { useTagLabels } from './use-tag-labels';
import { useTaskSession } from './use-task-session';
import { useViewSettings } from './use-view-settings';
import { ViewerCanvas, type ViewerHandle } from './viewer-canvas';
import { ViewerStatus } from './viewer-status';
import { tagKeyBindings } from './weak-label-key-bindings';
import { WeakLabelToolbar } from './weak-label-toolbar';

const noop = () => undefined;
const NO_OBJECTS: never[] = [];

export function TagModeWorkspace({ projectId }: { projectId: string }) {
  const trpc = useTRPC();
  const requestedTaskId = useSearchParams().get('task');
  const project = useQuery(trpc.projects.get.queryOptions({ projectId }));
  const tags = projectTags(project.data?.tagVocabulary ?? []);
  const viewer = useRef<ViewerHandle>(null);
  const [busy, setBusy] = useState<string | null>(null);

  const session = useTaskSession({
    projectId,
    requestedTaskId,
    mode: 'tag',
    prepare: async ({ view, image }) => {
      display.resetWindow(image, view.image.defaultWindow);
    },
    onReady: ({ view, image }) => {
      const { width, height, bitDepth } = image;
      events.recordFor(view.id, 'IMAGE_OPENED', {
        payload: { width, height, bitDepth, mode: 'tag' },
      });
    },
  });
  const display = useViewSettings(session.image);
  const events = useInteractionEvents(projectId, session.taskRef);
  const labels = useTagLabels({ projectId, session, events, busy, setBusy });
  const finish = useFinishTask({ projectId, session, events, busy, setBusy });
  useIdleTracking(events.record);
  useKeyMap(
    tagKeyBindings(tags.length, {
      pressTag: (index) => {
        const tag = tags[index];
        if (tag) labels.press(tag);
      },
      saveToggled: labels.saveToggled,
      skip: () => void finish('skip'),
      zoomIn: () => viewer.current?.zoomBy(1.25),
      zoomOut: () => viewer.current?.zoomBy(0.8),
      fit: () => viewer.current?.fit(),
    }),
  );

  if (session.queueEmpty) return <QueueEmpty onCheckAgain={() => void session.loadNext()} />;
  const { image } = session;
  return (
    <div className="flex h-full min-h-0 flex-col" data-testid="annotate-page" data-mode="tag">
      <WeakLabelToolbar projectId={projectId} mode="tag" task={session.task} />
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
              tool="pan"
              brushRadius={display.brushRadius}
              overlayOpacity={display.overlayOpacity}
              showMasks={false}
              onBox={noop}
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
          <TagPanel
            tags={tags}
            toggled={labels.toggled}
            taggedCount={labels.taggedCount}
            lastTags={labels.lastTags}
            objectLabel={project.data?.objectLabel ?? 'lesion'}
            busy={!!busy || !session.imageReady}
            onPress={labels.press}
            onSaveToggled={labels.saveToggled}
            onSkip={() => void finish('skip')}
          />
        </aside>
      </div>
    </div>
  );
}
