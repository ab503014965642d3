'use client';
/** Box-only mode's side panel: the boxes on this image, save, skip, and the keys. */
import type { Box } from '@loupe/prompts';

export function BoxListPanel(props: {
  boxes: Box[];
  savedImages: number;
  objectLabel: string;
  busy: boolean;
  onRemoveLast: () => void;
  onSave: () => void;
  onSkip: () => void;
}) {
  return (
    <section className="space-y-3" data-testid="box-panel">
      <h2 className="text-xs font-medium uppercase tracking-wide text-slate-400">
        Boxes ({props.objectLabel})
      </h2>
      {props.boxes.length === 0 ? (
        <p className="text-xs text-slate-500">
          Drag a box around each {props.objectLabel}. No mask is shown: the trainer makes a
          confidence-weighted pseudo-mask from each box.
        </p>
      ) : (
        <ol className="space-y-1 text-xs text-slate-300" data-testid="box-list">
          {props.boxes.map((b, i) => (
            <li key={i}>
              #{i + 1}: {Math.round(b.x1 - b.x0)}×{Math.round(b.y1 - b.y0)} at ({Math.round(b.x0)},{' '}
              {Math.round(b.y0)})
            </li>
          ))}
        </ol>
      )}
      <button
        data-testid="save-boxes"
        onClick={props.onSave}
        disabled={props.busy || props.boxes.length === 0}
        className="flex w-full items-center justify-between rounded-md bg-sky-600 px-3 py-2 font-medium text-white hover:bg-sky-500 disabled:opacity-40"
      >
        Save boxes, next image <span className="kbd">Enter</span>
      </button>
      <div className="grid grid-cols-2 gap-2">
        <button
          onClick={props.onRemoveLast}
          disabled={props.busy || props.boxes.length === 0}
          className="flex items-center justify-between rounded-md border border-slate-700 px-3 py-1.5 text-slate-200 hover:bg-slate-800 disabled:opacity-40"
        >
          Undo <span className="kbd">Del</span>
        </button>
        <button
          data-testid="skip"
          onClick={props.onSkip}
          disabled={props.busy}
          className="flex items-center justify-between rounded-md border border-slate-700 px-3 py-1.5 text-slate-200 hover:bg-slate-800"
        >
          Skip <span className="kbd">S</span>
        </button>
      </div>
      <p className="text-xs text-slate-400" data-testid="box-count">
        {props.savedImages} image{props.savedImages === 1 ? '' : 's'} boxed this session
      </p>
      <p className="text-[11px] text-slate-500">
        An image that already has an accepted mask is refused here; finish it in mask mode.
      </p>
    </section>
  );
}
