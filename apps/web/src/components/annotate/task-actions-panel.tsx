'use client';
/** Accept the object, submit/skip/flag the image, and the keyboard shortcuts. */
import { useState } from 'react';

const SECONDARY =
  'flex items-center justify-between rounded-md border border-slate-700 px-3 py-1.5 text-slate-200 hover:bg-slate-800';

export function TaskActionsPanel(props: {
  canAccept: boolean;
  canSubmit: boolean;
  busy: boolean;
  flagging: boolean;
  onAccept: () => void;
  onSubmit: () => void;
  onSkip: () => void;
  setFlagging: (open: boolean) => void;
  onFlag: (reason: string) => void;
}) {
  const [reason, setReason] = useState('');
  return (
    <section className="mt-auto space-y-2">
      <button
        data-testid="accept"
        onClick={props.onAccept}
        disabled={!props.canAccept || props.busy}
        className="flex w-full items-center justify-between rounded-md bg-emerald-600 px-3 py-2 font-medium text-white hover:bg-emerald-500 disabled:opacity-40"
      >
        Accept object <span className="kbd">Enter</span>
      </button>
      <button
        data-testid="submit"
        onClick={props.onSubmit}
        disabled={!props.canSubmit || props.busy}
        className="flex w-full items-center justify-between rounded-md bg-sky-600 px-3 py-2 font-medium text-white hover:bg-sky-500 disabled:opacity-40"
      >
        Submit image <span className="kbd">⇧Enter</span>
      </button>
      <div className="grid grid-cols-2 gap-2">
        <button
          data-testid="skip"
          onClick={props.onSkip}
          disabled={props.busy}
          className={SECONDARY}
        >
          Skip <span className="kbd">S</span>
        </button>
        <button onClick={() => props.setFlagging(true)} disabled={props.busy} className={SECONDARY}>
          Flag <span className="kbd">F</span>
        </button>
      </div>
      {props.flagging && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            props.setFlagging(false);
            props.onFlag(reason.trim() || 'flagged');
            setReason('');
          }}
          className="space-y-1 rounded-md border border-orange-500/40 bg-orange-950/40 p-2"
        >
          <input
            autoFocus
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            placeholder="Why? (e.g. ungradable, wrong modality)"
            className="w-full rounded bg-slate-950 px-2 py-1 text-xs outline-none"
          />
          <div className="flex justify-end gap-1 text-xs">
            <button
              type="button"
              onClick={() => props.setFlagging(false)}
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
  );
}
