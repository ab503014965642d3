'use client';
/** The image's objects in the colours the viewer draws them, with area and saved/draft state. */
import type { AnnotationState } from './annotation-state';
import { maskPixelCount } from './mask-pixel-count';
import { ACTIVE_COLOR, OBJECT_COLORS } from './mask-overlay';

export function ObjectListPanel({
  state,
  objectLabel,
  onSelect,
}: {
  state: AnnotationState;
  objectLabel: string;
  onSelect: (objectId: string) => void;
}) {
  const { objects, activeId } = state;
  const savedCount = objects.filter((o) => o.accepted).length;
  const isDraftActive = (o: { id: string; accepted: boolean }) => o.id === activeId && !o.accepted;
  return (
    <section>
      <h2 className="mb-2 text-xs font-semibold tracking-wide text-slate-400 uppercase">
        Objects <span className="text-slate-500">({savedCount} saved)</span>
      </h2>
      <ul className="space-y-1" data-testid="object-list">
        {objects.map((o, i) => {
          // Same colour order as the viewer: the active draft is drawn apart, in ACTIVE_COLOR.
          const colorIndex = objects.slice(0, i).filter((x) => !isDraftActive(x)).length;
          const color = isDraftActive(o)
            ? ACTIVE_COLOR
            : OBJECT_COLORS[colorIndex % OBJECT_COLORS.length]!;
          const area = o.mask ? maskPixelCount(o.mask) : 0;
          return (
            <li key={o.id}>
              <button
                onClick={() => onSelect(o.id)}
                className={`flex w-full items-center gap-2 rounded-md px-2 py-1.5 text-left ${o.id === activeId ? 'bg-slate-800' : 'hover:bg-slate-800/60'}`}
              >
                <span
                  className="h-3 w-3 shrink-0 rounded-sm"
                  style={{ background: `rgb(${color.join(',')})` }}
                />
                <span className="flex-1 truncate text-slate-200">
                  {objectLabel} {i + 1}
                </span>
                <span className="text-xs text-slate-500">{area ? `${area} px` : 'empty'}</span>
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
  );
}
