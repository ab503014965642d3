'use client';
/**
 * The annotate page's volume mode, shown when the task's image is a slice of a volume: the whole
 * volume is one unit of work (every slice task leased together, one object = one 3-D mask saved
 * per slice). It composes the page's hooks (the worker from use-predictions, events, keys,
 * view settings) with its own: the volume session (slices, prefetch), volume editing
 * (prompts per slice, propagation, accept per object), and its panels and key bindings.
 */
import { decodeMaskBytes } from '@loupe/prompts';
import { useCallback, useMemo, useRef, useState } from 'react';
import { errorMessage, useToast } from '../toast';
import { useTRPCClient } from '../trpc';
import { AnnotateToolbar } from './annotate-toolbar';
import { base64ToBytes } from './base64';
import { DisplayPanel } from './display-panel';
import { EventSyncStatus } from './event-sync-status';
import { LeaseLostBanner } from './lease-lost-banner';
import { ModelStatus } from './model-status';
import { ObjectListPanel } from './object-list-panel';
import { PropagationPanel } from './propagation-panel';
import { windowForSlice } from './real-window';
import { SliceScrubber } from './slice-scrubber';
import { TaskActionsPanel } from './task-actions-panel';
import type { InteractionEvents } from './use-interaction-events';
import { useKeyMap } from './use-key-map';
import type { Predictions } from './use-predictions';
import type { LoadedImage, TaskView } from './use-task-session';
import { useViewSettings } from './use-view-settings';
import { useVolumeEditing } from './use-volume-editing';
import { useVolumeSession } from './use-volume-session';
import { MaskViewer } from './mask-viewer';
import type { ViewerHandle } from './viewer-canvas';
import { ViewerStatus } from './viewer-status';
import { volumeKeyBindings } from './volume-key-bindings';
import { autoWindow, type WindowLevel } from './window-level';
import {
  activeVolumeObject,
  initialVolumeState,
  loadedVolumeObjects,
  objectsOnSlice,
} from './volume-state';

export function VolumeWorkspace(props: {
  projectId: string;
  task: TaskView;
  objectLabel: string;
  predictions: Predictions;
  events: InteractionEvents;
  /** The volume was submitted, skipped or flagged: on to the next task. */
  onDone: () => Promise<void>;
}) {
  const { projectId, task, predictions, events } = props;
  const client = useTRPCClient();
  const toast = useToast();
  const viewer = useRef<ViewerHandle>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [flagging, setFlagging] = useState(false);
  const openedAt = useRef(Date.now());

  const volume = useVolumeSession({
    projectId,
    taskId: task.id,
    onOpen: (view, first) => {
      editing.resetState(
        initialVolumeState(
          view,
          loadedVolumeObjects(
            view.annotations.map((a) => ({
              ...a,
              mask: decodeMaskBytes(base64ToBytes(a.finalRle)).data,
            })),
          ),
        ),
      );
      // Kept in the first slice's units (view.values); an automatic one comes from the start slice.
      const start = view.slices.find((s) => s.imageId === first.id)?.values;
      display.resetWindow(
        first,
        view.defaultWindow ??
          (first.bitDepth === 16 && start
            ? windowForSlice(autoWindow(first.samples, 16), start, view.values)
            : null),
      );
      openedAt.current = Date.now();
      events.recordFor(view.slices[view.startSlice]?.taskId ?? task.id, 'IMAGE_OPENED', {
        payload: { width: view.width, height: view.height, depth: view.depth, volume: view.id },
      });
    },
  });
  // Each slice drawn through its own value mapping (PET rescales every file on its own).
  const view0 = volume.view;
  const sliceWindow = useMemo(() => {
    if (!view0) return undefined;
    const byImage = new Map(view0.slices.map((s) => [s.imageId, s.values]));
    return (window: WindowLevel, shown: LoadedImage) => {
      const values = byImage.get(shown.id);
      return values ? windowForSlice(window, view0.values, values) : window;
    };
  }, [view0]);
  const display = useViewSettings(volume.image, sliceWindow);
  const editing = useVolumeEditing({
    projectId,
    volume,
    predictOn: predictions.predictOn,
    clientRef: predictions.clientRef,
    recordFor: events.recordFor,
    flush: events.flush,
    busy,
    setBusy,
  });
  const record = useCallback<InteractionEvents['record']>(
    (type, details) => {
      if (volume.slice) events.recordFor(volume.slice.taskId, type, details);
    },
    [events, volume.slice],
  );

  const finish = useCallback(
    async (status: 'SUBMITTED' | 'SKIPPED' | 'FLAGGED', flagReason?: string) => {
      const view = volume.view;
      if (!view || busy || editing.progress) return;
      setBusy(
        status === 'SUBMITTED' ? 'Submitting…' : status === 'SKIPPED' ? 'Skipping…' : 'Flagging…',
      );
      try {
        record(status === 'SUBMITTED' ? 'IMAGE_CLOSED' : status === 'SKIPPED' ? 'SKIP' : 'FLAG', {
          payload: {
            seconds: (Date.now() - openedAt.current) / 1000,
            volume: view.id,
            ...(flagReason ? { reason: flagReason } : {}),
          },
        });
        await events.flush();
        await client.volumes.finish.mutate({
          projectId,
          volumeId: view.id,
          status,
          ...(flagReason ? { flagReason } : {}),
        });
        await props.onDone();
      } catch (error) {
        toast.error(errorMessage(error));
      } finally {
        setBusy(null);
      }
    },
    [busy, client, editing.progress, events, projectId, props, record, toast, volume.view],
  );

  const depth = volume.view?.depth ?? 1;
  useKeyMap(
    volumeKeyBindings(
      {
        undo: editing.undo,
        redo: editing.redo,
        accept: () => void editing.accept(),
        submit: () => void finish('SUBMITTED'),
        skip: () => void finish('SKIPPED'),
        openFlag: () => setFlagging(true),
        closeFlag: () => setFlagging(false),
        setTool: display.setTool,
        toggleMasks: display.toggleMasks,
        brushSmaller: display.brushSmaller,
        brushLarger: display.brushLarger,
        zoomIn: () => viewer.current?.zoomBy(1.25),
        zoomOut: () => viewer.current?.zoomBy(0.8),
        fit: () => viewer.current?.fit(),
        discard: () => void editing.discard(),
        step: volume.step,
        first: () => volume.goTo(0),
        last: () => volume.goTo(depth - 1),
        propagate: () => void editing.propagate(),
        cancelPropagation: editing.cancelPropagation,
      },
      depth,
    ),
  );

  const state = editing.state;
  const sliceState = useMemo(
    () =>
      state
        ? {
            width: state.width,
            height: state.height,
            objects: objectsOnSlice(state, volume.sliceIndex),
            activeId: state.activeId,
          }
        : null,
    [state, volume.sliceIndex],
  );
  const active = state ? activeVolumeObject(state) : null;
  const image = volume.image;
  const view = volume.view;
  return (
    <div className="flex h-full min-h-0 flex-col" data-testid="annotate-page" data-mode="volume">
      <AnnotateToolbar
        task={task}
        tool={display.tool}
        onTool={display.setTool}
        canUndo={editing.canUndo}
        canRedo={editing.canRedo}
        onUndo={editing.undo}
        onRedo={editing.redo}
      >
        {view && (
          <span className="text-xs text-slate-400" data-testid="volume-name">
            {view.name} · {view.depth} slices
          </span>
        )}
        <EventSyncStatus status={events.status} />
        <ModelStatus runtime={predictions.runtime} latency={predictions.latency} />
      </AnnotateToolbar>
      {volume.leaseLost && <LeaseLostBanner onReopen={() => window.location.reload()} />}

      <div className="flex min-h-0 flex-1">
        <div className="relative min-w-0 flex-1">
          <MaskViewer
            ref={viewer}
            image={image}
            state={sliceState}
            display={display}
            editing={editing}
            loadingText="Opening volume…"
            onWheelSlice={volume.step}
          />
          <ViewerStatus
            hasImage={!!image}
            modelReady={!!predictions.runtime.current}
            imageReady={volume.sliceShown}
            busy={busy}
          />
        </div>

        {view && state && (
          <div className="flex shrink-0 border-l border-slate-800 bg-slate-900/60 p-2">
            <SliceScrubber
              depth={view.depth}
              sliceIndex={volume.sliceIndex}
              positionMm={volume.slice?.positionMm ?? null}
              objects={state.objects}
              activeId={state.activeId}
              loading={!volume.sliceShown}
              onGoTo={volume.goTo}
            />
          </div>
        )}

        <aside className="flex w-72 shrink-0 flex-col gap-4 overflow-y-auto border-l border-slate-800 bg-slate-900/60 p-4 text-sm">
          {sliceState && (
            <ObjectListPanel
              state={sliceState}
              objectLabel={props.objectLabel}
              onSelect={editing.select}
            />
          )}
          <PropagationPanel
            canPropagate={!!active && active.slices.size > 0 && !busy}
            progress={editing.progress}
            lastRun={editing.lastRun}
            onPropagate={() => void editing.propagate()}
            onCancel={editing.cancelPropagation}
          />
          <DisplayPanel
            view={display}
            image={image}
            {...(volume.view ? { values: volume.view.values, modality: volume.view.modality } : {})}
          />
          <TaskActionsPanel
            canAccept={!!active && !active.accepted && active.slices.size > 0}
            canSubmit={!!state?.objects.some((o) => o.accepted)}
            busy={!!busy || !!editing.progress}
            flagging={flagging}
            onAccept={() => void editing.accept()}
            onSubmit={() => void finish('SUBMITTED')}
            onSkip={() => void finish('SKIPPED')}
            setFlagging={setFlagging}
            onFlag={(reason) => void finish('FLAGGED', reason)}
          />
        </aside>
      </div>
    </div>
  );
}
