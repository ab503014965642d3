'use client';
/** Tag mode's side panel: every tag with its key, which are toggled, and what was saved last. */
import { ABSENT_TAG, PRESENT_TAG } from '@loupe/contracts';
import { tagKey } from './weak-label-key-bindings';

export function TagPanel(props: {
  tags: string[];
  toggled: string[];
  taggedCount: number;
  lastTags: string[] | null;
  objectLabel: string;
  busy: boolean;
  onPress: (tag: string) => void;
  onSaveToggled: () => void;
  onSkip: () => void;
}) {
  return (
    <section className="space-y-3" data-testid="tag-panel">
      <h2 className="text-xs font-medium uppercase tracking-wide text-slate-400">Image tags</h2>
      <ul className="space-y-1.5">
        {props.tags.map((tag, index) => {
          const presence = tag === PRESENT_TAG || tag === ABSENT_TAG;
          const on = props.toggled.includes(tag);
          const key = tagKey(index);
          return (
            <li key={tag}>
              <button
                data-testid={`tag-${tag}`}
                aria-pressed={presence ? undefined : on}
                disabled={props.busy}
                onClick={() => props.onPress(tag)}
                className={`flex w-full items-center justify-between rounded-md px-3 py-1.5 text-left disabled:opacity-40 ${
                  presence
                    ? tag === PRESENT_TAG
                      ? 'bg-emerald-700 text-white hover:bg-emerald-600'
                      : 'bg-slate-700 text-white hover:bg-slate-600'
                    : on
                      ? 'border border-sky-400 bg-sky-900/60 text-sky-100'
                      : 'border border-slate-700 text-slate-200 hover:bg-slate-800'
                }`}
              >
                <span>
                  {presence ? `${props.objectLabel} ${tag}` : tag}
                  {presence && <span className="ml-1 text-[11px] text-slate-300">(saves)</span>}
                </span>
                {key && <span className="kbd">{key}</span>}
              </button>
            </li>
          );
        })}
      </ul>
      <button
        data-testid="save-tags"
        onClick={props.onSaveToggled}
        disabled={props.busy || props.toggled.length === 0}
        className="flex w-full items-center justify-between rounded-md bg-sky-600 px-3 py-2 font-medium text-white hover:bg-sky-500 disabled:opacity-40"
      >
        Save toggled tags <span className="kbd">Enter</span>
      </button>
      <button
        data-testid="skip"
        onClick={props.onSkip}
        disabled={props.busy}
        className="flex w-full items-center justify-between rounded-md border border-slate-700 px-3 py-1.5 text-slate-200 hover:bg-slate-800"
      >
        Skip <span className="kbd">S</span>
      </button>
      <p className="text-xs text-slate-400" data-testid="tag-count">
        {props.taggedCount} image{props.taggedCount === 1 ? '' : 's'} tagged this session
        {props.lastTags ? ` · last: ${props.lastTags.join(', ')}` : ''}
      </p>
      <p className="text-[11px] text-slate-500">
        Presence keys save the image with the toggled tags and show the next one (already loaded).
        &apos;absent&apos; is refused on an image that already has a mask or a box.
      </p>
    </section>
  );
}
