'use client';
/**
 * The volume page's slice scrubber: slice index and position (mm), a slider, and beside it each
 * object's extent across slices (one column per object, in the viewer's colours; prompted and
 * edited slices drawn solid, propagated ones lighter; a slice where the annotator ended the object
 * is a bar across its column). Clicking the strip goes to that slice.
 */
import type { VolumeObject } from './volume-state';
import { ACTIVE_COLOR, OBJECT_COLORS } from './mask-overlay';

const STRIP_HEIGHT = 320;
const COLUMN = 8;

export function SliceScrubber(props: {
  depth: number;
  sliceIndex: number;
  positionMm: number | null;
  objects: VolumeObject[];
  activeId: string | null;
  /** The slice on screen is still loading. */
  loading: boolean;
  onGoTo: (k: number) => void;
}) {
  const { depth, sliceIndex, objects, activeId } = props;
  const row = STRIP_HEIGHT / Math.max(1, depth);
  const shown = objects.filter((o) => o.slices.size > 0 || o.ends.size > 0 || o.id === activeId);
  const width = Math.max(1, shown.length) * (COLUMN + 2) + 2;
  let colour = 0;
  return (
    <section className="flex flex-col items-center gap-2" data-testid="slice-scrubber">
      <div className="text-center font-mono text-xs text-slate-300">
        <div data-testid="slice-index">
          {sliceIndex + 1} / {depth}
        </div>
        <div className="text-slate-500" data-testid="slice-position">
          {props.positionMm === null ? '—' : `${props.positionMm.toFixed(1)} mm`}
        </div>
        {props.loading && <div className="text-[10px] text-amber-300">loading…</div>}
      </div>
      <div className="flex gap-1">
        <input
          type="range"
          aria-label="Slice"
          min={0}
          max={depth - 1}
          value={sliceIndex}
          onChange={(e) => props.onGoTo(Number(e.target.value))}
          style={{ writingMode: 'vertical-lr', height: STRIP_HEIGHT }}
          className="w-4"
        />
        <svg
          width={width}
          height={STRIP_HEIGHT}
          data-testid="extent-strip"
          className="cursor-pointer rounded bg-slate-950"
          onClick={(e) => {
            const rect = e.currentTarget.getBoundingClientRect();
            props.onGoTo(Math.floor(((e.clientY - rect.top) / rect.height) * depth));
          }}
        >
          {shown.map((o, column) => {
            const isDraft = o.id === activeId && !o.accepted;
            const rgb = isDraft ? ACTIVE_COLOR : OBJECT_COLORS[colour++ % OBJECT_COLORS.length]!;
            const x = 2 + column * (COLUMN + 2);
            return (
              <g key={o.id} data-object={o.id}>
                {[...o.slices].map(([k, s]) => (
                  <rect
                    key={k}
                    x={x}
                    y={k * row}
                    width={COLUMN}
                    height={Math.max(1, row)}
                    fill={`rgb(${rgb.join(',')})`}
                    opacity={s.origin === 'propagated' ? 0.45 : 1}
                  />
                ))}
                {[...o.ends].map((k) => (
                  <rect
                    key={`end-${k}`}
                    data-end={k}
                    x={x - 1}
                    y={(k + 0.5) * row - 1}
                    width={COLUMN + 2}
                    height={2}
                    fill={`rgb(${rgb.join(',')})`}
                  >
                    <title>{`ends at slice ${k + 1}`}</title>
                  </rect>
                ))}
              </g>
            );
          })}
          <rect
            x={0}
            y={sliceIndex * row}
            width={width}
            height={Math.max(1, row)}
            fill="white"
            opacity={0.35}
          />
        </svg>
      </div>
    </section>
  );
}
