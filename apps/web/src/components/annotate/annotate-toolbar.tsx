'use client';
/** The annotate page's top bar: the image, the drawing tools, undo/redo, and (children) status. */
import type { ReactNode } from 'react';
import { TOOLS } from './annotate-tools';
import type { TaskView } from './use-task-session';
import type { Tool } from './viewer-canvas';

export function AnnotateToolbar(props: {
  task: TaskView | null;
  tool: Tool;
  onTool: (tool: Tool) => void;
  canUndo: boolean;
  canRedo: boolean;
  onUndo: () => void;
  onRedo: () => void;
  children?: ReactNode;
}) {
  const { task, tool } = props;
  const sentBack = task?.status === 'IN_PROGRESS' ? task.reviews[0] : undefined;
  return (
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
        {sentBack?.decision === 'SENT_BACK' && (
          <span
            className="rounded bg-rose-900/60 px-2 py-0.5 text-xs text-rose-100"
            title={sentBack.comment}
          >
            Sent back: {sentBack.comment}
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
            onClick={() => props.onTool(t.tool)}
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
          onClick={props.onUndo}
          disabled={!props.canUndo}
          className="rounded-md px-2 py-1 text-xs text-slate-300 hover:bg-slate-800 disabled:opacity-30"
        >
          ↶ Undo
        </button>
        <button
          title="Redo (Ctrl+Shift+Z)"
          onClick={props.onRedo}
          disabled={!props.canRedo}
          className="rounded-md px-2 py-1 text-xs text-slate-300 hover:bg-slate-800 disabled:opacity-30"
        >
          ↷ Redo
        </button>
      </div>
      <div className="flex items-center gap-2 text-xs">{props.children}</div>
    </div>
  );
}
