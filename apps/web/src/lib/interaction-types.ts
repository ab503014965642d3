/** InteractionEvent.type values as Prisma's enum spells them (browser-safe copy). */
export const INTERACTION_TYPES = [
  'IMAGE_OPENED',
  'IMAGE_CLOSED',
  'IDLE_START',
  'IDLE_END',
  'BOX',
  'POSITIVE_POINT',
  'NEGATIVE_POINT',
  'BRUSH_STROKE',
  'ERASER_STROKE',
  'UNDO',
  'REDO',
  'PROPOSAL_SHOWN',
  'MULTIMASK_SELECTED',
  'ACCEPT',
  'REJECT',
  'SKIP',
  'FLAG',
  'TAG',
] as const;
export type InteractionType = (typeof INTERACTION_TYPES)[number];
