/**
 * SAM's point-label codes, kept as-is so exported models look familiar to anyone who has used SAM:
 * -1 padding point (ignored), 0 negative click, 1 positive click, 2/3 box top-left/bottom-right.
 */
export const PROMPT_LABEL = {
  padding: -1,
  negative: 0,
  positive: 1,
  boxTopLeft: 2,
  boxBottomRight: 3,
} as const;

export type PromptLabel = (typeof PROMPT_LABEL)[keyof typeof PROMPT_LABEL];
