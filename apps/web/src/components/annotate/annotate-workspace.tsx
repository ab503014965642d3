'use client';
/**
 * The annotate page: composes the task session (lease, image), the in-browser model
 * (predictions), prompt editing, saves, events and keys, and lays out the viewer and panels.
 * Business rules (leases, saves, statuses) live on the server; each concern has its own hook.
 * A task whose image is a volume slice opens the volume mode (volume-workspace.tsx) instead, which
 * shares this page's worker and events.
 */
import { useQuery } from '@tanstack/react-query';
import { useSearchParams } from 'next/navigation';
import { useCallback, useRef, useState } from 'react';
import { useTRPC } from '../trpc';
import { annotateKeyBindings } from './annotate-key-bindings';
import { AnnotateModeSwitch } from './annotate-mode-switch';
import { AnnotateToolbar } from './annotate-toolbar';
import { activeObject, type AnnotationState } from './annotation-state';
import { DisplayPanel } from './display-panel';
import { EventSyncStatus } from './event-sync-status';
import { LeaseLostBanner } from './lease-lost-banner';
import { ModelStatus } from './model-status';
import { ObjectListPanel } from './object-list-panel';
import { ProposalPicker } from './proposal-picker';
import { QueueEmpty } from './queue-empty';
import { TaskActionsPanel } from './task-actions-panel';
import { useAnnotationHistory } from './use-annotation-history';
import { useFinishTask } from './use-finish-task';
import { useIdleTracking } from './use-idle-tracking';
import { useInteractionEvents } from './use-interaction-events';
import { useKeyMap } from './use-key-map';
import { useObjectActions } from './use-object-actions';
import { usePredictions } from './use-predictions';
import { usePromptEditing } from './use-prompt-editing';
import { useTaskSession } from './use-task-session';
import { useViewSettings } from './use-view-settings';
import { MaskViewer } from './mask-viewer';
import type { ViewerHandle } from './viewer-canvas';
import { ViewerStatus } from './viewer-status';
import { VolumeWorkspace } from './volume-workspace';

export function AnnotateWorkspace({ projectId }: { projectId: string }) {
  const trpc = useTRPC();
  const requestedTaskId = useSearchParams().get('task');
  const project = useQuery(trpc.projects.get.queryOptions({ projectId }));
  const viewer = useRef<ViewerHandle>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [flagging, setFlagging] = useState(false);

  const store = useAnnotationHistory();
  const showNow = useCallback((state: AnnotationState) => viewer.current?.drawNow(state), []);
  const session = useTaskSession({
    projectId,
    requestedTaskId,
    // Everything the page starts a task's image with; it is ready once the worker has it too.
    prepare: async ({ view, image }) => {
      // A volume slice: the volume mode takes over (it opens the whole volume itself).
      if (view.image.volume) return;
      editing.startTask(image, view.annotations);
      display.resetWindow(image, view.image.defaultWindow);
      await predictions.setImage(image);
    },
    onReady: ({ view, image }) => {
      if (view.image.volume) return;
      const { width, height, bitDepth } = image;
      events.recordFor(view.id, 'IMAGE_OPENED', { payload: { width, height, bitDepth } });
    },
  });
  const display = useViewSettings(session.image);
  const events = useInteractionEvents(projectId, session.taskRef);
  const predictions = usePredictions({
    projectId,
    image: session.image,
    store,
    record: events.record,
    showNow,
  });
  const currentModel = predictions.runtime.current;
  const editing = usePromptEditing({
    store,
    record: events.record,
    predict: predictions.predict,
    modelVersionId: currentModel?.modelVersionId ?? null,
  });
  const { accept, discard } = useObjectActions({
    projectId,
    session,
    store,
    events,
    effortOf: editing.effortOf,
    forgetObject: predictions.forgetObject,
    busy,
    setBusy,
  });
  const finish = useFinishTask({ projectId, session, events, busy, setBusy });
  const volumeMode = !!session.task?.image.volume;
  // Also in the volume mode: its idle events go to the slice task it opened with.
  useIdleTracking(events.record);
  const bindings = annotateKeyBindings({
    undo: () => editing.undo('key'),
    redo: () => editing.redo('key'),
    accept: () => void accept(),
    submit: () => void finish('submit'),
    skip: () => void finish('skip'),
    openFlag: () => setFlagging(true),
    closeFlag: () => setFlagging(false),
    setTool: display.setTool,
    chooseProposal: (index) => editing.chooseProposal(index, 'key'),
    toggleMasks: display.toggleMasks,
    brushSmaller: display.brushSmaller,
    brushLarger: display.brushLarger,
    zoomIn: () => viewer.current?.zoomBy(1.25),
    zoomOut: () => viewer.current?.zoomBy(0.8),
    fit: () => viewer.current?.fit(),
    discard: () => void discard(),
  });
  // The volume mode brings its own keys.
  useKeyMap(volumeMode ? [] : bindings);

  if (session.queueEmpty) return <QueueEmpty onCheckAgain={() => void session.loadNext()} />;
  if (volumeMode && session.task)
    return (
      <VolumeWorkspace
        key={session.task.id}
        projectId={projectId}
        task={session.task}
        objectLabel={project.data?.objectLabel ?? 'object'}
        predictions={predictions}
        events={events}
        onDone={session.moveOn}
      />
    );

  const { history } = store;
  const present = history.present;
  const active = activeObject(present);
  const { image } = session;
  return (
    <div className="flex h-full min-h-0 flex-col" data-testid="annotate-page">
      <AnnotateToolbar
        task={session.task}
        tool={display.tool}
        onTool={display.setTool}
        canUndo={history.past.length > 0}
        canRedo={history.future.length > 0}
        onUndo={() => editing.undo('button')}
        onRedo={() => editing.redo('button')}
      >
        <AnnotateModeSwitch projectId={projectId} mode="mask" />
        <EventSyncStatus status={events.status} />
        <ModelStatus runtime={predictions.runtime} latency={predictions.latency} />
      </AnnotateToolbar>
      {session.leaseLost && <LeaseLostBanner onReopen={session.reopen} />}

      <div className="flex min-h-0 flex-1">
        <div className="relative min-w-0 flex-1">
          <MaskViewer
            ref={viewer}
            image={image}
            state={present}
            display={display}
            editing={editing}
            loadingText="Loading image…"
            onFrame={predictions.onFrame}
          />
          <ViewerStatus
            hasImage={!!image}
            modelReady={!!currentModel}
            imageReady={session.imageReady}
            busy={busy}
          />
        </div>

        <aside className="flex w-72 shrink-0 flex-col gap-4 overflow-y-auto border-l border-slate-800 bg-slate-900/60 p-4 text-sm">
          <ObjectListPanel
            state={present}
            objectLabel={project.data?.objectLabel ?? 'object'}
            onSelect={editing.select}
          />
          {active?.proposal && !active.accepted && (
            <ProposalPicker
              proposal={active.proposal}
              chosen={active.chosenOutput}
              onChoose={(index) => editing.chooseProposal(index, 'button')}
            />
          )}
          <DisplayPanel
            view={display}
            image={image}
            {...(session.task
              ? {
                  values: {
                    slope: session.task.image.valueSlope,
                    intercept: session.task.image.valueIntercept,
                    unit: session.task.image.valueUnit,
                  },
                }
              : {})}
          />
          <TaskActionsPanel
            canAccept={!!active?.mask && !active.accepted}
            canSubmit={present.objects.some((o) => o.accepted)}
            busy={!!busy}
            flagging={flagging}
            onAccept={() => void accept()}
            onSubmit={() => void finish('submit')}
            onSkip={() => void finish('skip')}
            setFlagging={setFlagging}
            onFlag={(reason) => void finish('flag', reason)}
          />
        </aside>
      </div>
    </div>
  );
}
