'use client';
/** Links between the annotate page's label modes (the open task's lease is resumed in each). */
import Link from 'next/link';
import { ANNOTATE_MODES, annotateHref, type AnnotateMode } from './annotate-modes';

export function AnnotateModeSwitch({ projectId, mode }: { projectId: string; mode: AnnotateMode }) {
  return (
    <nav
      className="flex items-center gap-0.5 rounded-md bg-slate-800/70 p-0.5"
      aria-label="Label mode"
    >
      {ANNOTATE_MODES.map((m) => (
        <Link
          key={m.mode}
          href={annotateHref(projectId, m.mode)}
          title={m.hint}
          data-testid={`mode-${m.mode}`}
          aria-current={m.mode === mode ? 'page' : undefined}
          className={`rounded px-2 py-0.5 text-xs ${
            m.mode === mode ? 'bg-sky-600 text-white' : 'text-slate-300 hover:bg-slate-700'
          }`}
        >
          {m.label}
        </Link>
      ))}
    </nav>
  );
}
