/**
 * Keyboard shortcuts of the fast label modes (listed for people in tag-panel.tsx and
 * box-list-panel.tsx). Tag mode: 1 = present, 2 = absent (each saves and moves on at once),
 * 3..9 toggle the project's own tags, Enter saves the toggled ones. Box mode: Enter saves.
 */
import type { KeyBinding } from './use-key-map';

export interface ViewKeyActions {
  skip(): void;
  zoomIn(): void;
  zoomOut(): void;
  fit(): void;
}

const viewKeys = (a: ViewKeyActions): KeyBinding[] => [
  { key: 's', run: a.skip },
  { key: '=', run: a.zoomIn },
  { key: '+', run: a.zoomIn },
  { key: '-', run: a.zoomOut },
  { key: '0', run: a.fit },
];

/** Digit key of each tag in the project's list (presence tags first): '1'..'9', then none. */
export function tagKey(index: number): string | null {
  return index < 9 ? String(index + 1) : null;
}

export interface TagKeyActions extends ViewKeyActions {
  /** The tag at this position of the project's list was pressed. */
  pressTag(index: number): void;
  saveToggled(): void;
}

export function tagKeyBindings(tagCount: number, a: TagKeyActions): KeyBinding[] {
  const digits: KeyBinding[] = [];
  for (let index = 0; index < tagCount; index++) {
    const key = tagKey(index);
    if (key) digits.push({ key, run: () => a.pressTag(index) });
  }
  return [
    ...digits,
    { key: 'enter', shift: false, preventDefault: true, run: a.saveToggled },
    ...viewKeys(a).filter((b) => !digits.some((d) => d.key === b.key)),
  ];
}

export interface BoxKeyActions extends ViewKeyActions {
  save(): void;
  removeLast(): void;
}

export function boxKeyBindings(a: BoxKeyActions): KeyBinding[] {
  return [
    { key: 'enter', preventDefault: true, run: a.save },
    { key: 'd', run: a.save },
    { key: 'z', mod: true, preventDefault: true, run: a.removeLast },
    { key: 'delete', run: a.removeLast },
    { key: 'backspace', run: a.removeLast },
    ...viewKeys(a),
  ];
}
