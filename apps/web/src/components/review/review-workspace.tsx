'use client';
/**
 * Review: submitted tasks with their accepted masks over the image; approve, or send back with a
 * comment (the task returns to the annotation queue).
 */
import type { RawImage } from '@loupe/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { decodeMaskBytes } from '@loupe/prompts';
import { useEffect, useMemo, useRef, useState } from 'react';
import { loadedObject } from '../annotate/annotation-state';
import { base64ToBytes } from '../annotate/base64';
import { fetchRawImage } from '../annotate/fetch-raw-image';
import { OBJECT_COLORS } from '../annotate/mask-overlay';
import { ViewerCanvas, type ViewerHandle } from '../annotate/viewer-canvas';
import { autoWindow, fullRangeWindow, renderWindowedCanvas } from '../annotate/window-level';
import { StatusBadge } from '../status-badge';
import { errorMessage, useToast } from '../toast';
import { useTRPC } from '../trpc';

/** The task's image, fetched once per image id; a failure is reported, not retried. */
function useRawImage(imageId: string | null, onError: (message: string) => void): RawImage | null {
  const [image, setImage] = useState<RawImage | null>(null);
  const report = useRef(onError);
  report.current = onError;
  useEffect(() => {
    if (!imageId) return;
    let cancelled = false;
    fetchRawImage(imageId).then(
      (raw) => {
        if (!cancelled) setImage(raw);
      },
      (error: unknown) => {
        if (!cancelled) report.current(`Could not load the image: ${errorMessage(error)}`);
      },
    );
    return () => {
      cancelled = true;
    };
  }, [imageId]);
  return image;
}

export function ReviewWorkspace({ projectId }: { projectId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const queue = useQuery(
    trpc.review.queue.queryOptions({ projectId }, { refetchInterval: 15_000 }),
  );
  const [selected, setSelected] = useState<string | null>(null);
  const [comment, setComment] = useState('');
  const [opacity, setOpacity] = useState(0.5);
  const viewer = useRef<ViewerHandle>(null);
  const taskId = selected ?? queue.data?.pending[0]?.id ?? null;
  const task = useQuery({
    ...trpc.review.task.queryOptions({ projectId, taskId: taskId ?? '' }),
    enabled: !!taskId,
  });
  const image = useRawImage(task.data?.image.id ?? null, toast.error);

  const objects = useMemo(
    () =>
      (task.data?.annotations ?? []).map((a) =>
        loadedObject(a.objectId, decodeMaskBytes(base64ToBytes(a.finalRle))),
      ),
    [task.data],
  );
  const imageCanvas = useMemo(() => {
    if (!image) return null;
    return renderWindowedCanvas(
      image,
      image.bitDepth === 16 ? autoWindow(image.samples, 16) : fullRangeWindow(8),
    );
  }, [image]);

  const decide = useMutation(
    trpc.review.decide.mutationOptions({
      onSuccess: async (review) => {
        toast.success(review.decision === 'APPROVED' ? 'Approved' : 'Sent back to the annotator');
        setComment('');
        setSelected(null);
        await queryClient.invalidateQueries({ queryKey: trpc.review.queue.queryKey() });
      },
      onError: (error) => toast.error(errorMessage(error)),
    }),
  );

  const pending = queue.data?.pending ?? [];
  return (
    <div className="flex h-full min-h-0">
      <aside className="w-72 shrink-0 overflow-y-auto border-r border-slate-800 bg-slate-900/60 p-3 text-sm">
        <h2 className="mb-2 text-xs font-semibold tracking-wide text-slate-400 uppercase">
          Waiting for review ({pending.length})
        </h2>
        <ul className="space-y-1" data-testid="review-queue">
          {pending.map((t) => (
            <li key={t.id}>
              <button
                onClick={() => setSelected(t.id)}
                className={`flex w-full items-center justify-between rounded-md px-2 py-1.5 text-left ${t.id === taskId ? 'bg-slate-800' : 'hover:bg-slate-800/60'}`}
              >
                <span className="truncate">{t.image.fileName}</span>
                <span className="text-xs text-slate-500">
                  {t._count.annotations} obj · {t.annotations[0]?.createdBy.name ?? '—'}
                </span>
              </button>
            </li>
          ))}
          {pending.length === 0 && <li className="px-2 text-slate-500">Nothing to review.</li>}
        </ul>
        {(queue.data?.decided.length ?? 0) > 0 && (
          <>
            <h2 className="mt-5 mb-2 text-xs font-semibold tracking-wide text-slate-400 uppercase">
              Recently decided
            </h2>
            <ul className="space-y-1">
              {queue.data!.decided.map((t) => (
                <li key={t.id} className="flex items-center justify-between px-2 py-1 text-xs">
                  <button
                    className="truncate text-slate-300 hover:text-white"
                    onClick={() => setSelected(t.id)}
                  >
                    {t.image.fileName}
                  </button>
                  <StatusBadge status={t.status} />
                </li>
              ))}
            </ul>
          </>
        )}
      </aside>
      <div className="relative min-w-0 flex-1">
        {image && task.data ? (
          <ViewerCanvas
            ref={viewer}
            imageCanvas={imageCanvas}
            width={image.width}
            height={image.height}
            objects={objects}
            activeId={null}
            tool="pan"
            brushRadius={1}
            overlayOpacity={opacity}
            showMasks
            onBox={() => undefined}
            onClick={() => undefined}
            onStroke={() => undefined}
            onWindowDrag={() => undefined}
          />
        ) : (
          <div className="flex h-full items-center justify-center text-sm text-slate-500">
            {taskId ? 'Loading…' : 'Select a task'}
          </div>
        )}
      </div>
      <aside className="flex w-80 shrink-0 flex-col gap-4 border-l border-slate-800 bg-slate-900/60 p-4 text-sm">
        {task.data && (
          <>
            <div>
              <p className="font-medium text-white">{task.data.image.fileName}</p>
              <div className="mt-1 flex items-center gap-2 text-xs text-slate-400">
                <StatusBadge status={task.data.status} /> {task.data.annotations.length} objects
              </div>
            </div>
            <ul className="space-y-1 text-xs">
              {task.data.annotations.map((a, i) => (
                <li key={a.id} className="flex items-center gap-2">
                  <span
                    className="h-3 w-3 rounded-sm"
                    style={{
                      background: `rgb(${OBJECT_COLORS[i % OBJECT_COLORS.length]!.join(',')})`,
                    }}
                  />
                  <span className="flex-1">
                    {a.label} {i + 1}
                  </span>
                  <span className="text-slate-500">
                    {a.area} px · {a.createdBy.name}
                  </span>
                </li>
              ))}
            </ul>
            <label className="flex items-center gap-2 text-xs text-slate-300">
              <span>Opacity</span>
              <input
                type="range"
                min={0}
                max={1}
                step={0.05}
                value={opacity}
                onChange={(e) => setOpacity(Number(e.target.value))}
                className="flex-1 accent-sky-500"
              />
            </label>
            {task.data.reviews.length > 0 && (
              <div className="space-y-1 text-xs text-slate-400">
                {task.data.reviews.map((r) => (
                  <p key={r.id}>
                    <StatusBadge status={r.decision} /> {r.reviewer.name}: {r.comment || '—'}
                  </p>
                ))}
              </div>
            )}
            {task.data.status === 'SUBMITTED' && (
              <div className="mt-auto space-y-2">
                <textarea
                  value={comment}
                  onChange={(e) => setComment(e.target.value)}
                  placeholder="Comment for the annotator (required to send back)"
                  className="h-24 w-full rounded-md border border-slate-700 bg-slate-950 p-2 text-xs outline-none focus:border-sky-500"
                />
                <div className="grid grid-cols-2 gap-2">
                  <button
                    data-testid="review-send-back"
                    disabled={decide.isPending}
                    onClick={() =>
                      decide.mutate({
                        projectId,
                        taskId: task.data!.id,
                        decision: 'SENT_BACK',
                        comment,
                      })
                    }
                    className="rounded-md border border-rose-500/60 px-3 py-2 text-rose-100 hover:bg-rose-950"
                  >
                    Send back
                  </button>
                  <button
                    data-testid="review-approve"
                    disabled={decide.isPending}
                    onClick={() =>
                      decide.mutate({
                        projectId,
                        taskId: task.data!.id,
                        decision: 'APPROVED',
                        comment,
                      })
                    }
                    className="rounded-md bg-emerald-600 px-3 py-2 font-medium text-white hover:bg-emerald-500"
                  >
                    Approve
                  </button>
                </div>
              </div>
            )}
          </>
        )}
      </aside>
    </div>
  );
}
