import { z } from 'zod';

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

const MAX_PAYLOAD_CHARS = 8_000;
/** Client clocks drift; events claiming to be from far in the past or future are refused. */
const MAX_CLOCK_SKEW_MS = 24 * 3600 * 1000;

export const interactionEventSchema = z.object({
  type: z.enum(INTERACTION_TYPES),
  objectId: z.string().min(1).max(64).nullish(),
  payload: z
    .record(z.string(), z.unknown())
    .default({})
    .refine((p) => JSON.stringify(p).length <= MAX_PAYLOAD_CHARS, `payload must serialise to at most ${MAX_PAYLOAD_CHARS} characters`),
  modelVersionId: z.string().min(1).max(64).nullish(),
  latencyMs: z.number().finite().min(0).max(600_000).nullish(),
  clientTime: z.coerce
    .date()
    .refine((d) => Math.abs(d.getTime() - Date.now()) <= MAX_CLOCK_SKEW_MS, 'clientTime is more than a day away from the server clock'),
});
export type InteractionEventInput = z.infer<typeof interactionEventSchema>;

export const MAX_EVENTS_PER_BATCH = 500;
