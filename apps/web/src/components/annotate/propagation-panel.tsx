'use client';
/** Propagate the active object through the volume: the button, progress, cancel, the last run. */
import type { PropagationProgress, PropagationSummary } from './use-volume-editing';

const REASONS: Record<string, string> = {
  edge: 'end of the volume',
  annotated: 'a slice you made',
  'low-iou': 'model unsure',
  'too-small': 'object ended',
  shrank: 'object ended',
  grew: 'mask ran away',
  jumped: 'mask jumped',
  faded: 'object faded out',
  regrew: 'mask grew back',
  cancelled: 'cancelled',
};

export function PropagationPanel(props: {
  canPropagate: boolean;
  progress: PropagationProgress | null;
  lastRun: PropagationSummary | null;
  onPropagate: () => void;
  onCancel: () => void;
}) {
  const { progress, lastRun } = props;
  return (
    <section className="space-y-2" data-testid="propagation-panel">
      <h2 className="text-xs font-semibold tracking-wide text-slate-400 uppercase">Propagation</h2>
      {progress ? (
        <>
          <div className="h-2 overflow-hidden rounded bg-slate-800">
            <div
              className="h-full bg-sky-500"
              style={{
                width: `${Math.round((100 * progress.done) / Math.max(1, progress.total))}%`,
              }}
            />
          </div>
          <div className="flex items-center justify-between text-xs text-slate-400">
            <span data-testid="propagation-progress">
              slice {progress.slice + 1} · {progress.done}/{progress.total}
            </span>
            <button
              onClick={props.onCancel}
              className="rounded border border-slate-700 px-2 py-0.5 hover:bg-slate-800"
            >
              Cancel <span className="kbd">Esc</span>
            </button>
          </div>
        </>
      ) : (
        <button
          data-testid="propagate"
          onClick={props.onPropagate}
          disabled={!props.canPropagate}
          className="flex w-full items-center justify-between rounded-md bg-indigo-600 px-3 py-2 font-medium text-white hover:bg-indigo-500 disabled:opacity-40"
        >
          Propagate <span className="kbd">⇧P</span>
        </button>
      )}
      {lastRun && !progress && (
        <p className="text-xs text-slate-500" data-testid="propagation-summary">
          From slice {lastRun.from + 1}: {lastRun.slices} slices in {Math.round(lastRun.ms)} ms
          {lastRun.cleared > 0 ? `, ${lastRun.cleared} cleared` : ''}; stopped at{' '}
          {lastRun.stops.map((s) => REASONS[s.reason] ?? s.reason).join(' / ')}.
        </p>
      )}
      <p className="text-[11px] text-slate-500">
        Slices you boxed, clicked or painted are never overwritten; a box or click correcting a
        propagated slice re-propagates from there.
      </p>
    </section>
  );
}
