/**
 * The annotate page's label modes: masks (prompts, proposals, review of each mask), tags (one key
 * per image-level tag, an image a second) and box-only (boxes, no mask review). Chosen by `?mode=`.
 */
export const ANNOTATE_MODES = [
  { mode: 'mask', label: 'Masks', hint: 'prompt the model, review and accept each mask' },
  { mode: 'tag', label: 'Tags', hint: 'one key per image-level tag; the next image is preloaded' },
  { mode: 'box', label: 'Boxes', hint: 'boxes only, no mask review (weak labels)' },
] as const;

export type AnnotateMode = (typeof ANNOTATE_MODES)[number]['mode'];

export function parseAnnotateMode(value: string | null | undefined): AnnotateMode {
  return ANNOTATE_MODES.find((m) => m.mode === value)?.mode ?? 'mask';
}

export function annotateHref(projectId: string, mode: AnnotateMode, taskId?: string): string {
  const params = new URLSearchParams();
  if (mode !== 'mask') params.set('mode', mode);
  if (taskId) params.set('task', taskId);
  const query = params.toString();
  return `/projects/${projectId}/annotate${query ? `?${query}` : ''}`;
}
