'use client';
/** The fast label modes' top bar: the image, the mode switch, and (children) mode status. */
import type { ReactNode } from 'react';
import { AnnotateModeSwitch } from './annotate-mode-switch';
import type { AnnotateMode } from './annotate-modes';
import type { TaskView } from './use-task-session';

export function WeakLabelToolbar(props: {
  projectId: string;
  mode: AnnotateMode;
  task: TaskView | null;
  children?: ReactNode;
}) {
  const { task } = props;
  return (
    <div className="flex h-11 shrink-0 items-center gap-3 border-b border-slate-800 bg-slate-900/70 px-3">
      <div className="flex min-w-0 items-center gap-2 text-sm">
        <span className="truncate font-medium text-white" data-testid="image-name">
          {task?.image.fileName ?? 'Loading…'}
        </span>
        {task && (
          <span className="text-xs text-slate-500">
            {task.image.width}×{task.image.height}
          </span>
        )}
      </div>
      <div className="mx-auto">
        <AnnotateModeSwitch projectId={props.projectId} mode={props.mode} />
      </div>
      <div className="flex items-center gap-2 text-xs">{props.children}</div>
    </div>
  );
}
