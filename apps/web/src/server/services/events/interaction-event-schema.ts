import { z } from 'zod';
import { INTERACTION_TYPES } from '../../../lib/interaction-types';

const MAX_PAYLOAD_CHARS = 8_000;
/** Client clocks drift; events claiming to be from far in the past or future are refused. */
const MAX_CLOCK_SKEW_MS = 24 * 3600 * 1000;

export const interactionEventSchema = z.object({
  type: z.enum(INTERACTION_TYPES),
  objectId: z.string().min(1).max(64).nullish(),
  payload: z
    .record(z.string(), z.unknown())
    .default({})
    .refine(
      (p) => JSON.stringify(p).length <= MAX_PAYLOAD_CHARS,
      `payload must serialise to at most ${MAX_PAYLOAD_CHARS} characters`,
    ),
  modelVersionId: z.string().min(1).max(64).nullish(),
  latencyMs: z.number().finite().min(0).max(600_000).nullish(),
  clientTime: z.coerce
    .date()
    .refine(
      (d) => Math.abs(d.getTime() - Date.now()) <= MAX_CLOCK_SKEW_MS,
      'clientTime is more than a day away from the server clock',
    ),
});
export type InteractionEventInput = z.infer<typeof interactionEventSchema>;

export const MAX_EVENTS_PER_BATCH = 500;
