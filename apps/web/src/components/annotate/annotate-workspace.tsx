'use client';
/**
 * The annotate page: leases a task, shows the image, runs the in-browser model on every box and
 * click, lets the annotator correct with brush/eraser, and saves accepted objects. Business rules
 * (leases, saves, statuses) live on the server; this component orchestrates.
 */
import type { InteractionType, RawImage } from '@loupe/contracts';
import { useMutation, useQuery } from '@tanstack/react-query';
import {
  decodeMaskBytes,
  encodeMaskBytes,
  type Box,
  type BrushStroke,
  type Point,
} from '@loupe/prompts';
import type { inferRouterOutputs } from '@trpc/server';
import { useRouter, useSearchParams } from 'next/navigation';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { AppRouter } from '../../server/api/root';
import type { PredictionResult } from '../../worker/protocol';
import { errorMessage, useToast } from '../toast';
import { useTRPC, useTRPCClient } from '../trpc';
import {
  activeObject,
  addClick,
  addStroke,
  applyProposal,
  chooseOutput,
  commit,
  initialHistory,
  loadedObject,
  markAccepted,
  patch,
  promptKey,
  redo,
  removeObject,
  selectObject,
  setBox,
  undo,
  type History,
} from './annotation-state';
import { base64ToBytes, bytesToBase64 } from './base64';
import { EventRecorder } from './event-recorder';
import { fetchRawImage } from './fetch-raw-image';
import { testHooks } from './loupe-test-hooks';
import { ACTIVE_COLOR, OBJECT_COLORS } from './mask-overlay';
import { useModelRuntime } from './use-model-runtime';
import { ViewerCanvas, type Tool, type ViewerHandle } from './viewer-canvas';
import {
  autoWindow,
  fullRangeWindow,
  renderWindowedCanvas,
  type WindowLevel,
} from './window-level';

type TaskView = NonNullable<inferRouterOutputs<AppRouter>['queue']['next']>;

/** The task's image as the page holds it: its samples and its id. */
type LoadedImage = RawImage & { id: string };

const LEASE_RENEW_MS = 60_000;
const IDLE_AFTER_MS = 60_000;
const TOOLS: { tool: Tool; label: string; key: string; hint: string }[] = [
  { tool: 'box', label: 'Box', key: 'B', hint: 'Drag a box around the lesion' },
  {
    tool: 'positive',
    label: 'Add',
    key: 'P',
    hint: 'Click to add a positive point (right-click: negative)',
  },
  {
    tool: 'negative',
    label: 'Remove',
    key: 'N',
    hint: 'Click to add a negative point (right-click: positive)',
  },
  { tool: 'brush', label: 'Brush', key: 'R', hint: 'Paint the mask' },
  { tool: 'eraser', label: 'Eraser', key: 'E', hint: 'Erase from the mask' },
  { tool: 'pan', label: 'Pan', key: 'H', hint: 'Drag to pan (or hold Space)' },
  { tool: 'window', label: 'W/L', key: 'W', hint: 'Drag: horizontal = width, vertical = level' },
];

const areaCache = new WeakMap<Uint8Array, number>();
/** Mask area for the object list, computed once per (immutable) mask array. */
function maskPixelCount(mask: Uint8Array): number {
  let area = areaCache.get(mask);
  if (area === undefined) {
    area = 0;
    for (let i = 0; i < mask.length; i++) area += mask[i] as number;
    areaCache.set(mask, area);
  }
  return area;
}

export function AnnotateWorkspace({ projectId }: { projectId: string }) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const toast = useToast();
  const router = useRouter();
  const search = useSearchParams();
  const requestedTaskId = search.get('task');

  const [task, setTask] = useState<TaskView | null>(null);
  const [queueEmpty, setQueueEmpty] = useState(false);
  const [image, setImage] = useState<LoadedImage | null>(null);
  const [imageReady, setImageReady] = useState(false);
  const [windowLevel, setWindowLevel] = useState<WindowLevel>(fullRangeWindow(8));
  const [history, setHistory] = useState<History>(() => initialHistory(1, 1));
  const [tool, setTool] = useState<Tool>('box');
  const [brushRadius, setBrushRadius] = useState(6);
  const [overlayOpacity, setOverlayOpacity] = useState(0.45);
  const [showMasks, setShowMasks] = useState(true);
  const [latency, setLatency] = useState<{
    proposalMs: number;
    encoderMs: number;
    decoderMs: number;
    kind: string;
    version: number;
  } | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [leaseLost, setLeaseLost] = useState(false);
  const [flagging, setFlagging] = useState(false);
  const [flagReason, setFlagReason] = useState('');

  const viewer = useRef<ViewerHandle>(null);
  const historyRef = useRef(history);
  historyRef.current = history;
  const taskRef = useRef<TaskView | null>(null);
  taskRef.current = task;
  const revisionRef = useRef<number | undefined>(undefined);
  const statsRef = useRef(new Map<string, { clicks: number; strokes: number }>());
  const openedAt = useRef(0);

  const project = useQuery(trpc.projects.get.queryOptions({ projectId }));

  const recorder = useMemo(
    () =>
      new EventRecorder(
        (taskId, events) => client.events.record.mutate({ projectId, taskId, events }),
        (error) => toast.error(`Could not record interaction events: ${errorMessage(error)}`),
      ),
    [client, projectId, toast],
  );
  useEffect(() => {
    recorder.start();
    return () => void recorder.stop();
  }, [recorder]);

  const model = useModelRuntime(
    projectId,
    (from, to) => {
      if (from !== null && from !== to)
        toast.info(`Model updated: v${from} → v${to} (no reload needed)`);
    },
    (message) => toast.error(message),
  );
  const currentModel = model.state.current;

  const record = useCallback(
    (
      type: InteractionType,
      extra: {
        objectId?: string | null;
        payload?: Record<string, unknown>;
        latencyMs?: number;
        modelVersionId?: string | null;
      } = {},
    ) => {
      const t = taskRef.current;
      if (!t) return;
      recorder.record(t.id, { type, ...extra });
    },
    [recorder],
  );

  // ---------------------------------------------------------------- task loading
  const loadTask = useCallback(
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
      statsRef.current = new Map();
      const hooks = testHooks();
      hooks.taskId = view.id;
      hooks.imageId = view.image.id;
      hooks.ready = false;
      const loaded: LoadedImage = { id: view.image.id, ...(await fetchRawImage(view.image.id)) };
      const existing = view.annotations.map((a) =>
        loadedObject(a.objectId, decodeMaskBytes(base64ToBytes(a.finalRle)).data),
      );
      setHistory(initialHistory(loaded.width, loaded.height, existing));
      setWindowLevel(loaded.bitDepth === 16 ? autoWindow(loaded.samples, 16) : fullRangeWindow(8));
      setImage(loaded);
      const copy = loaded.samples.slice().buffer as ArrayBuffer;
      const worker = model.clientRef.current;
      if (worker)
        await worker.setImage(loaded.id, loaded.width, loaded.height, loaded.bitDepth, copy);
      setImageReady(true);
      hooks.ready = true;
      openedAt.current = Date.now();
      recorder.record(view.id, {
        type: 'IMAGE_OPENED',
        payload: { width: loaded.width, height: loaded.height, bitDepth: loaded.bitDepth },
      });
    },
    [model.clientRef, recorder],
  );

  const next = useMutation(trpc.queue.next.mutationOptions());
  const open = useMutation(trpc.queue.open.mutationOptions());
  const loadNext = useCallback(async () => {
    try {
      await loadTask(await next.mutateAsync({ projectId }));
    } catch (error) {
      toast.error(errorMessage(error));
    }
  }, [loadTask, projectId, toast]);

  const started = useRef(false);
  useEffect(() => {
    if (started.current) return;
    started.current = true;
    void (async () => {
      try {
        if (requestedTaskId)
          await loadTask(await open.mutateAsync({ projectId, taskId: requestedTaskId }));
        else await loadTask(await next.mutateAsync({ projectId }));
      } catch (error) {
        toast.error(errorMessage(error));
        if (requestedTaskId) router.replace(`/projects/${projectId}/annotate`);
      }
    })();
  }, []);

  // Renew the lease while the page is open.
  useEffect(() => {
    if (!task) return;
    const timer = setInterval(() => {
      client.queue.renew.mutate({ projectId, taskId: task.id }).catch((error: unknown) => {
        setLeaseLost(true);
        toast.error(errorMessage(error));
      });
    }, LEASE_RENEW_MS);
    return () => clearInterval(timer);
  }, [client, projectId, task, toast]);

  // ---------------------------------------------------------------- base image with window/level
  const imageCanvas = useMemo(() => {
    if (!image) return null;
    return renderWindowedCanvas(image, windowLevel);
  }, [image, windowLevel]);

  // ---------------------------------------------------------------- model interaction
  /** A proposal waiting to be drawn: PROPOSAL_SHOWN is recorded from the frame that shows it. */
  const pendingShown = useRef<{
    result: PredictionResult;
    kind: 'box' | 'click';
    t0: number;
  } | null>(null);
  const onFrame = useCallback(() => {
    const pending = pendingShown.current;
    if (!pending) return;
    const shown = activeObject(historyRef.current.present);
    // Only once the drawn state holds this result (a stale result never shows; it is dropped).
    if (shown?.proposal?.masks !== pending.result.masks) {
      if (!shown || shown.id !== pending.result.objectId) pendingShown.current = null;
      return;
    }
    pendingShown.current = null;
    const { result, kind, t0 } = pending;
    const proposalMs = performance.now() - t0;
    const objectId = result.objectId;
    const hooks = testHooks();
    hooks.predictions += 1;
    hooks.latencies[kind].push(proposalMs);
    hooks.lastPrediction = {
      objectId,
      modelVersionId: result.modelVersionId,
      version: result.version,
      kind,
      encoderMs: result.timings.encoderMs,
      decoderMs: result.timings.decoderMs,
      workerMs: result.timings.totalMs,
      proposalMs,
      encoderReused: result.encoderReused,
    };
    setLatency({
      proposalMs,
      encoderMs: result.timings.encoderMs,
      decoderMs: result.timings.decoderMs,
      kind,
      version: result.version,
    });
    record('PROPOSAL_SHOWN', {
      objectId,
      latencyMs: proposalMs,
      modelVersionId: result.modelVersionId,
      payload: {
        kind,
        encoderMs: result.timings.encoderMs,
        decoderMs: result.timings.decoderMs,
        workerMs: result.timings.totalMs,
        encoderReused: result.encoderReused,
        iouPredictions: result.iouPredictions,
      },
    });
  }, [record]);

  const predict = useCallback(
    (
      objectId: string,
      box: Box | null,
      clicks: { x: number; y: number; positive: boolean }[],
      kind: 'box' | 'click',
      t0: number,
    ) => {
      const worker = model.clientRef.current;
      const img = image;
      if (!worker || !img) return;
      const key = promptKey(box, clicks);
      worker
        .predict(img.id, objectId, box, clicks)
        .then((result) => {
          setHistory((h) =>
            patch(
              h,
              applyProposal(h.present, objectId, key, {
                masks: result.masks,
                iouPredictions: result.iouPredictions,
                modelVersionId: result.modelVersionId,
                version: result.version,
              }),
            ),
          );
          // Timed when the viewer draws the frame that shows this proposal (see onFrame).
          pendingShown.current = { result, kind, t0 };
        })
        .catch((error: unknown) => toast.error(`Prediction failed: ${errorMessage(error)}`));
    },
    [image, model.clientRef, record, toast],
  );

  const onBox = useCallback(
    (box: Box) => {
      const t0 = performance.now();
      const nextState = setBox(historyRef.current.present, box);
      const object = activeObject(nextState);
      setHistory((h) => commit(h, nextState));
      if (!object) return;
      statsRef.current.set(object.id, { clicks: 0, strokes: 0 });
      record('BOX', {
        objectId: object.id,
        payload: { box },
        modelVersionId: currentModel?.modelVersionId ?? null,
      });
      predict(object.id, box, [], 'box', t0);
    },
    [currentModel, predict, record],
  );

  const onClick = useCallback(
    (point: Point, positive: boolean) => {
      const t0 = performance.now();
      const nextState = addClick(historyRef.current.present, { x: point.x, y: point.y, positive });
      const object = activeObject(nextState);
      setHistory((h) => commit(h, nextState));
      if (!object) return;
      const stats = statsRef.current.get(object.id) ?? { clicks: 0, strokes: 0 };
      statsRef.current.set(object.id, { ...stats, clicks: stats.clicks + 1 });
      record(positive ? 'POSITIVE_POINT' : 'NEGATIVE_POINT', {
        objectId: object.id,
        payload: { x: point.x, y: point.y },
        modelVersionId: currentModel?.modelVersionId ?? null,
      });
      predict(object.id, object.box, object.clicks, 'click', t0);
    },
    [currentModel, predict, record],
  );

  const onStroke = useCallback(
    (stroke: BrushStroke) => {
      const nextState = addStroke(historyRef.current.present, stroke);
      const object = activeObject(nextState);
      setHistory((h) => commit(h, nextState));
      if (!object) return;
      const stats = statsRef.current.get(object.id) ?? { clicks: 0, strokes: 0 };
      statsRef.current.set(object.id, { ...stats, strokes: stats.strokes + 1 });
      record(stroke.mode === 'brush' ? 'BRUSH_STROKE' : 'ERASER_STROKE', {
        objectId: object.id,
        payload: { radius: stroke.radius, points: stroke.points.slice(0, 200) },
      });
    },
    [record],
  );

  const onWindowDrag = useCallback(
    (dx: number, dy: number) => {
      const max = image?.bitDepth === 16 ? 65535 : 255;
      setWindowLevel((w) => ({
        width: Math.min(max + 1, Math.max(1, w.width + (dx * (max + 1)) / 400)),
        center: Math.min(max, Math.max(0, w.center - (dy * (max + 1)) / 400)),
      }));
    },
    [image],
  );

  // ---------------------------------------------------------------- accept / submit / skip / flag
  const saveMutation = useMutation(trpc.annotations.save.mutationOptions());
  const accept = useCallback(async () => {
    const t = taskRef.current;
    const img = image;
    const object = activeObject(historyRef.current.present);
    if (!t || !img || busy) return;
    if (!object || object.accepted || !object.mask) {
      toast.info('Nothing to accept yet: draw a box or paint a mask first.');
      return;
    }
    const stats = statsRef.current.get(object.id) ?? { clicks: 0, strokes: 0 };
    const proposalMask = object.proposal?.masks[object.chosenOutput] ?? null;
    setBusy('Saving…');
    await recorder.flush();
    const started = performance.now();
    try {
      const saved = await saveMutation.mutateAsync({
        projectId,
        taskId: t.id,
        objectId: object.id,
        expectedRevision: revisionRef.current,
        finalRle: bytesToBase64(
          encodeMaskBytes({ width: img.width, height: img.height, data: object.mask }),
        ),
        proposalRle: proposalMask
          ? bytesToBase64(
              encodeMaskBytes({ width: img.width, height: img.height, data: proposalMask }),
            )
          : null,
        modelVersionId: object.proposal?.modelVersionId ?? null,
        clicks: stats.clicks,
        brushStrokes: stats.strokes,
        activeSeconds: (Date.now() - object.startedAt) / 1000,
      });
      const saveMs = performance.now() - started;
      revisionRef.current = saved.revision;
      const hooks = testHooks();
      hooks.lastSaveMs = saveMs;
      hooks.latencies.save.push(saveMs);
      hooks.savedObjects += 1;
      record('ACCEPT', {
        objectId: object.id,
        modelVersionId: object.proposal?.modelVersionId ?? null,
        payload: {
          area: saved.area,
          editPixels: saved.editPixels,
          chosenOutput: object.chosenOutput,
          saveMs,
        },
      });
      // Saved work is not undoable locally (the server has it); the history restarts here.
      setHistory((h) => ({
        past: [],
        present: markAccepted(h.present, object.id, object.mask as Uint8Array),
        future: [],
      }));
      model.clientRef.current?.forgetObject(object.id);
      toast.success(`Object saved (${saved.area} px)`);
    } catch (error) {
      toast.error(errorMessage(error));
    } finally {
      setBusy(null);
    }
  }, [busy, image, model.clientRef, projectId, record, recorder, saveMutation, toast]);

  const finish = useCallback(
    async (kind: 'submit' | 'skip' | 'flag', reason?: string) => {
      const t = taskRef.current;
      if (!t || busy) return;
      setBusy(kind === 'submit' ? 'Submitting…' : kind === 'skip' ? 'Skipping…' : 'Flagging…');
      try {
        record(kind === 'submit' ? 'IMAGE_CLOSED' : kind === 'skip' ? 'SKIP' : 'FLAG', {
          payload: {
            seconds: (Date.now() - openedAt.current) / 1000,
            ...(reason ? { reason } : {}),
          },
        });
        await recorder.flush();
        if (kind === 'submit')
          await client.tasks.submit.mutate({
            projectId,
            taskId: t.id,
            expectedRevision: revisionRef.current,
          });
        else if (kind === 'skip') await client.tasks.skip.mutate({ projectId, taskId: t.id });
        else
          await client.tasks.flag.mutate({ projectId, taskId: t.id, reason: reason ?? 'flagged' });
        if (requestedTaskId) router.replace(`/projects/${projectId}/annotate`);
        await loadNext();
      } catch (error) {
        toast.error(errorMessage(error));
      } finally {
        setBusy(null);
      }
    },
    [busy, client, loadNext, projectId, record, recorder, requestedTaskId, router, toast],
  );

  const discardActive = useCallback(async () => {
    const t = taskRef.current;
    const object = activeObject(historyRef.current.present);
    if (!t || !object) return;
    // Saved objects (also ones reopened for correction) are deleted on the server too.
    if (object.accepted || object.savedMask) {
      try {
        const result = await client.annotations.remove.mutate({
          projectId,
          taskId: t.id,
          objectId: object.id,
        });
        revisionRef.current = result.revision;
        setHistory((h) => ({ past: [], present: removeObject(h.present, object.id), future: [] }));
        record('REJECT', { objectId: object.id, payload: { deleted: true } });
      } catch (error) {
        toast.error(errorMessage(error));
      }
    } else {
      setHistory((h) => commit(h, removeObject(h.present, object.id)));
      record('REJECT', { objectId: object.id });
    }
  }, [client, projectId, record, toast]);

  // ---------------------------------------------------------------- idle tracking
  // IDLE_START after a minute without input, IDLE_END on the next input: active time excludes breaks.
  useEffect(() => {
    let idle = false;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const arm = () => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => {
        idle = true;
        record('IDLE_START', { payload: { afterSeconds: IDLE_AFTER_MS / 1000 } });
      }, IDLE_AFTER_MS);
    };
    const onActivity = () => {
      if (idle) {
        idle = false;
        record('IDLE_END');
      }
      arm();
    };
    arm();
    window.addEventListener('pointerdown', onActivity);
    window.addEventListener('keydown', onActivity);
    window.addEventListener('wheel', onActivity);
    return () => {
      if (timer) clearTimeout(timer);
      window.removeEventListener('pointerdown', onActivity);
      window.removeEventListener('keydown', onActivity);
      window.removeEventListener('wheel', onActivity);
    };
  }, [record]);

  // ---------------------------------------------------------------- keyboard
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement) return;
      const key = e.key.toLowerCase();
      const mod = e.ctrlKey || e.metaKey;
      if (mod && key === 'z') {
        e.preventDefault();
        setHistory((h) => (e.shiftKey ? redo(h) : undo(h)));
        record(e.shiftKey ? 'REDO' : 'UNDO');
        return;
      }
      if (mod && key === 'y') {
        e.preventDefault();
        setHistory((h) => redo(h));
        record('REDO');
        return;
      }
      if (mod) return;
      if (e.key === 'Enter') {
        e.preventDefault();
        if (e.shiftKey) void finish('submit');
        else void accept();
        return;
      }
      const toolKey = TOOLS.find((t) => t.key.toLowerCase() === key);
      if (toolKey) {
        setTool(toolKey.tool);
        return;
      }
      if (['1', '2', '3', '4'].includes(key)) {
        const index = Number(key) - 1;
        const object = activeObject(historyRef.current.present);
        if (object?.proposal && index < object.proposal.masks.length) {
          setHistory((h) => commit(h, chooseOutput(h.present, index)));
          record('MULTIMASK_SELECTED', {
            objectId: object.id,
            payload: { index },
            modelVersionId: object.proposal.modelVersionId,
          });
        }
        return;
      }
      switch (key) {
        case 's':
          void finish('skip');
          break;
        case 'f':
          setFlagging(true);
          break;
        case 'd':
          void finish('submit');
          break;
        case 'm':
          setShowMasks((v) => !v);
          break;
        case '[':
          setBrushRadius((r) => Math.max(1, Math.round(r / 1.25)));
          break;
        case ']':
          setBrushRadius((r) => Math.min(200, Math.round(r * 1.25 + 1)));
          break;
        case '=':
        case '+':
          viewer.current?.zoomBy(1.25);
          break;
        case '-':
          viewer.current?.zoomBy(0.8);
          break;
        case '0':
          viewer.current?.fit();
          break;
        case 'delete':
        case 'backspace':
          void discardActive();
          break;
        case 'escape':
          setFlagging(false);
          break;
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [accept, discardActive, finish, record]);

  // ---------------------------------------------------------------- render
  const present = history.present;
  const active = activeObject(present);
  const acceptedCount = present.objects.filter((o) => o.accepted).length;
  const modelLabel = currentModel
    ? `v${currentModel.version}`
    : model.state.loading
      ? `loading v${model.state.loading.version}…`
      : 'loading…';

  if (queueEmpty) {
    return (
      <div className="flex h-full flex-col items-center justify-center gap-3 text-center">
        <p className="text-lg text-white">Nothing left to annotate</p>
        <p className="text-sm text-slate-400">
          Every image is labeled, under review, or being annotated by someone else.
        </p>
        <button
          onClick={() => void loadNext()}
          className="mt-2 rounded-md border border-slate-700 px-3 py-1.5 text-sm hover:bg-slate-800"
        >
          Check again
        </button>
      </div>
    );
  }

  return (
    <div className="flex h-full min-h-0 flex-col" data-testid="annotate-page">
      <div className="flex h-11 shrink-0 items-center gap-3 border-b border-slate-800 bg-slate-900/70 px-3">
        <div className="flex min-w-0 items-center gap-2 text-sm">
          <span className="truncate font-medium text-white" data-testid="image-name">
            {task?.image.fileName ?? 'Loading…'}
          </span>
          {task && (
            <span className="text-xs text-slate-500">
              {task.image.width}×{task.image.height}
              {task.image.bitDepth === 16 ? ' · 16-bit' : ''}
            </span>
          )}
          {task?.status === 'IN_PROGRESS' && task.reviews[0]?.decision === 'SENT_BACK' && (
            <span
              className="rounded bg-rose-900/60 px-2 py-0.5 text-xs text-rose-100"
              title={task.reviews[0].comment}
            >
              Sent back: {task.reviews[0].comment}
            </span>
          )}
        </div>
        <div className="mx-auto flex items-center gap-1" role="toolbar" aria-label="Tools">
          {TOOLS.map((t) => (
            <button
              key={t.tool}
              title={`${t.hint} (${t.key})`}
              data-testid={`tool-${t.tool}`}
              aria-pressed={tool === t.tool}
              onClick={() => setTool(t.tool)}
              className={`flex items-center gap-1.5 rounded-md px-2.5 py-1 text-xs ${
                tool === t.tool
                  ? 'bg-sky-600 text-white shadow-inner'
                  : 'text-slate-300 hover:bg-slate-800'
              }`}
            >
              {t.label}
              <span className="kbd">{t.key}</span>
            </button>
          ))}
          <span className="mx-1 h-5 w-px bg-slate-700" />
          <button
            title="Undo (Ctrl+Z)"
            onClick={() => setHistory(undo)}
            disabled={!history.past.length}
            className="rounded-md px-2 py-1 text-xs text-slate-300 hover:bg-slate-800 disabled:opacity-30"
          >
            ↶ Undo
          </button>
          <button
            title="Redo (Ctrl+Shift+Z)"
            onClick={() => setHistory(redo)}
            disabled={!history.future.length}
            className="rounded-md px-2 py-1 text-xs text-slate-300 hover:bg-slate-800 disabled:opacity-30"
          >
            ↷ Redo
          </button>
        </div>
        <div className="flex items-center gap-2 text-xs">
          {latency && (
            <span
              className="font-mono text-slate-400"
              data-testid="latency"
              title="Time from your action to the mask on screen (encoder / decoder inside the worker)"
            >
              {latency.kind} {Math.round(latency.proposalMs)} ms
              <span className="text-slate-600">
                {' '}
                (enc {Math.round(latency.encoderMs)} · dec {Math.round(latency.decoderMs)})
              </span>
            </span>
          )}
          <span
            data-testid="model-badge"
            data-model-version={currentModel?.version ?? ''}
            title={
              model.state.failure ??
              `${model.state.backend ?? '…'} backend, ${model.state.threads ?? '?'} thread(s)${model.state.live ? ', live updates on' : ''}`
            }
            className={`flex items-center gap-1.5 rounded-full border px-2.5 py-0.5 ${
              model.state.failure
                ? 'border-amber-500/60 text-amber-200'
                : 'border-slate-700 text-slate-200'
            }`}
          >
            <span
              className={`h-1.5 w-1.5 rounded-full ${model.state.loading ? 'animate-pulse bg-amber-400' : currentModel ? 'bg-emerald-400' : 'bg-slate-500'}`}
            />
            model {modelLabel}
            {model.state.loading && currentModel && (
              <span className="text-amber-300">→ v{model.state.loading.version}</span>
            )}
            <span className="text-slate-500">· {model.state.backend ?? '…'}</span>
          </span>
        </div>
      </div>

      {leaseLost && (
        <div className="bg-amber-900/70 px-4 py-1.5 text-xs text-amber-100">
          Your lease on this image lapsed; saves will be refused until you reopen it.{' '}
          <button
            className="underline"
            onClick={() =>
              task &&
              void open
                .mutateAsync({ projectId, taskId: task.id })
                .then(loadTask, (e: unknown) => toast.error(errorMessage(e)))
            }
          >
            Reopen
          </button>
        </div>
      )}

      <div className="flex min-h-0 flex-1">
        <div className="relative min-w-0 flex-1">
          {image ? (
            <ViewerCanvas
              ref={viewer}
              imageCanvas={imageCanvas}
              width={image.width}
              height={image.height}
              objects={present.objects}
              activeId={present.activeId}
              tool={tool}
              brushRadius={brushRadius}
              overlayOpacity={overlayOpacity}
              showMasks={showMasks}
              onBox={onBox}
              onClick={onClick}
              onStroke={onStroke}
              onWindowDrag={onWindowDrag}
              onFrame={onFrame}
            />
          ) : (
            <div className="flex h-full items-center justify-center text-sm text-slate-500">
              Loading image…
            </div>
          )}
          {(!imageReady || !currentModel) && image && (
            <div className="pointer-events-none absolute top-3 left-1/2 -translate-x-1/2 rounded-full bg-slate-900/90 px-3 py-1 text-xs text-slate-300">
              {!currentModel ? 'Loading model…' : 'Preparing image…'}
            </div>
          )}
          {busy && (
            <div className="pointer-events-none absolute top-3 right-3 rounded-full bg-slate-900/90 px-3 py-1 text-xs text-sky-200">
              {busy}
            </div>
          )}
        </div>

        <aside className="flex w-72 shrink-0 flex-col gap-4 overflow-y-auto border-l border-slate-800 bg-slate-900/60 p-4 text-sm">
          <section>
            <h2 className="mb-2 text-xs font-semibold tracking-wide text-slate-400 uppercase">
              Objects <span className="text-slate-500">({acceptedCount} saved)</span>
            </h2>
            <ul className="space-y-1" data-testid="object-list">
              {present.objects.map((o, i) => {
                const colorIndex = present.objects
                  .slice(0, i)
                  .filter((x) => !(x.id === present.activeId && !x.accepted)).length;
                const color =
                  o.id === present.activeId && !o.accepted
                    ? ACTIVE_COLOR
                    : OBJECT_COLORS[colorIndex % OBJECT_COLORS.length]!;
                const area = o.mask ? maskPixelCount(o.mask) : 0;
                return (
                  <li key={o.id}>
                    <button
                      onClick={() => setHistory((h) => patch(h, selectObject(h.present, o.id)))}
                      className={`flex w-full items-center gap-2 rounded-md px-2 py-1.5 text-left ${o.id === present.activeId ? 'bg-slate-800' : 'hover:bg-slate-800/60'}`}
                    >
                      <span
                        className="h-3 w-3 shrink-0 rounded-sm"
                        style={{ background: `rgb(${color.join(',')})` }}
                      />
                      <span className="flex-1 truncate text-slate-200">
                        {project.data?.objectLabel ?? 'object'} {i + 1}
                      </span>
                      <span className="text-xs text-slate-500">
                        {area ? `${area} px` : 'empty'}
                      </span>
                      <span
                        className={`text-[10px] ${o.accepted ? 'text-emerald-300' : 'text-slate-500'}`}
                      >
                        {o.accepted ? 'saved' : 'draft'}
                      </span>
                    </button>
                  </li>
                );
              })}
            </ul>
          </section>

          {active?.proposal && !active.accepted && (
            <section>
              <h2 className="mb-2 text-xs font-semibold tracking-wide text-slate-400 uppercase">
                Model proposals
              </h2>
              <div className="grid grid-cols-4 gap-1">
                {active.proposal.masks.map((_, index) => (
                  <button
                    key={index}
                    data-testid={`multimask-${index + 1}`}
                    onClick={() => setHistory((h) => commit(h, chooseOutput(h.present, index)))}
                    className={`rounded-md border px-1 py-1.5 text-center text-xs ${
                      active.chosenOutput === index
                        ? 'border-sky-500 bg-sky-950 text-sky-100'
                        : 'border-slate-700 text-slate-300 hover:bg-slate-800'
                    }`}
                    title={`Output ${index + 1}${index === 0 ? ' (single-mask)' : ''} — key ${index + 1}`}
                  >
                    <div className="font-medium">{index + 1}</div>
                    <div className="text-[10px] text-slate-400">
                      IoU {(active.proposal!.iouPredictions[index] ?? 0).toFixed(2)}
                    </div>
                  </button>
                ))}
              </div>
              <p className="mt-1 text-[11px] text-slate-500">
                from model v{active.proposal.version}
              </p>
            </section>
          )}

          <section className="space-y-2">
            <h2 className="text-xs font-semibold tracking-wide text-slate-400 uppercase">
              Display
            </h2>
            <label className="flex items-center gap-2 text-xs text-slate-300">
              <span className="w-16">Opacity</span>
              <input
                type="range"
                min={0}
                max={1}
                step={0.05}
                value={overlayOpacity}
                onChange={(e) => setOverlayOpacity(Number(e.target.value))}
                className="flex-1 accent-sky-500"
              />
              <span className="w-8 text-right font-mono">{Math.round(overlayOpacity * 100)}</span>
            </label>
            <label className="flex items-center gap-2 text-xs text-slate-300">
              <span className="w-16">Brush</span>
              <input
                type="range"
                min={1}
                max={60}
                value={brushRadius}
                onChange={(e) => setBrushRadius(Number(e.target.value))}
                className="flex-1 accent-sky-500"
              />
              <span className="w-8 text-right font-mono">{brushRadius}</span>
            </label>
            {image && (
              <>
                <label className="flex items-center gap-2 text-xs text-slate-300">
                  <span className="w-16">Window</span>
                  <input
                    type="range"
                    min={1}
                    max={image.bitDepth === 16 ? 65536 : 256}
                    value={windowLevel.width}
                    onChange={(e) =>
                      setWindowLevel((w) => ({ ...w, width: Number(e.target.value) }))
                    }
                    className="flex-1 accent-sky-500"
                  />
                  <span className="w-12 text-right font-mono">{Math.round(windowLevel.width)}</span>
                </label>
                <label className="flex items-center gap-2 text-xs text-slate-300">
                  <span className="w-16">Level</span>
                  <input
                    type="range"
                    min={0}
                    max={image.bitDepth === 16 ? 65535 : 255}
                    value={windowLevel.center}
                    onChange={(e) =>
                      setWindowLevel((w) => ({ ...w, center: Number(e.target.value) }))
                    }
                    className="flex-1 accent-sky-500"
                  />
                  <span className="w-12 text-right font-mono">
                    {Math.round(windowLevel.center)}
                  </span>
                </label>
                <div className="flex gap-1">
                  <button
                    onClick={() => setWindowLevel(autoWindow(image.samples, image.bitDepth))}
                    className="rounded border border-slate-700 px-2 py-0.5 text-xs hover:bg-slate-800"
                  >
                    Auto W/L
                  </button>
                  <button
                    onClick={() => setWindowLevel(fullRangeWindow(image.bitDepth))}
                    className="rounded border border-slate-700 px-2 py-0.5 text-xs hover:bg-slate-800"
                  >
                    Full range
                  </button>
                  <button
                    onClick={() => setShowMasks((v) => !v)}
                    className="rounded border border-slate-700 px-2 py-0.5 text-xs hover:bg-slate-800"
                  >
                    {showMasks ? 'Hide' : 'Show'} masks <span className="kbd">M</span>
                  </button>
                </div>
              </>
            )}
          </section>

          <section className="mt-auto space-y-2">
            <button
              data-testid="accept"
              onClick={() => void accept()}
              disabled={!active?.mask || active.accepted || !!busy}
              className="flex w-full items-center justify-between rounded-md bg-emerald-600 px-3 py-2 font-medium text-white hover:bg-emerald-500 disabled:opacity-40"
            >
              Accept object <span className="kbd">Enter</span>
            </button>
            <button
              data-testid="submit"
              onClick={() => void finish('submit')}
              disabled={acceptedCount === 0 || !!busy}
              className="flex w-full items-center justify-between rounded-md bg-sky-600 px-3 py-2 font-medium text-white hover:bg-sky-500 disabled:opacity-40"
            >
              Submit image <span className="kbd">⇧Enter</span>
            </button>
            <div className="grid grid-cols-2 gap-2">
              <button
                data-testid="skip"
                onClick={() => void finish('skip')}
                disabled={!!busy}
                className="flex items-center justify-between rounded-md border border-slate-700 px-3 py-1.5 text-slate-200 hover:bg-slate-800"
              >
                Skip <span className="kbd">S</span>
              </button>
              <button
                onClick={() => setFlagging(true)}
                disabled={!!busy}
                className="flex items-center justify-between rounded-md border border-slate-700 px-3 py-1.5 text-slate-200 hover:bg-slate-800"
              >
                Flag <span className="kbd">F</span>
              </button>
            </div>
            {flagging && (
              <form
                onSubmit={(e) => {
                  e.preventDefault();
                  setFlagging(false);
                  void finish('flag', flagReason.trim() || 'flagged');
                  setFlagReason('');
                }}
                className="space-y-1 rounded-md border border-orange-500/40 bg-orange-950/40 p-2"
              >
                <input
                  autoFocus
                  value={flagReason}
                  onChange={(e) => setFlagReason(e.target.value)}
                  placeholder="Why? (e.g. ungradable, wrong modality)"
                  className="w-full rounded bg-slate-950 px-2 py-1 text-xs outline-none"
                />
                <div className="flex justify-end gap-1 text-xs">
                  <button
                    type="button"
                    onClick={() => setFlagging(false)}
                    className="px-2 py-0.5 text-slate-400"
                  >
                    Cancel
                  </button>
                  <button type="submit" className="rounded bg-orange-600 px-2 py-0.5 text-white">
                    Flag image
                  </button>
                </div>
              </form>
            )}
            <details className="text-xs text-slate-400">
              <summary className="cursor-pointer select-none">Keyboard shortcuts</summary>
              <ul className="mt-2 space-y-0.5">
                <li>B box · P/N points · R brush · E eraser · H pan · W window/level</li>
                <li>Left/right click: positive/negative point</li>
                <li>1-4 choose proposal · [ ] brush size · M masks</li>
                <li>Ctrl+Z undo · Ctrl+Shift+Z redo · Del discard</li>
                <li>Enter accept · ⇧Enter/D submit · S skip · F flag</li>
                <li>Wheel zoom · 0 fit · Space+drag pan</li>
              </ul>
            </details>
          </section>
        </aside>
      </div>
    </div>
  );
}
