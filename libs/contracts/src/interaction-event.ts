/**
 * One interaction event as the annotate page (and the bench's scripted annotator) sends it to
 * tRPC events.record, and as the server validates it before storing an InteractionEvent row.
 * Prompt geometry inside the payload is checked against the image on the server (record-events).
 */
import { z } from 'zod';

/** InteractionEvent.type values as Prisma's enum spells them (a libs/db spec keeps them equal). */
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

const MAX_PAYLOAD_CHARS = 8_000;
/** Client clocks drift; events claiming to be from far in the past or future are refused. */
const MAX_CLOCK_SKEW_MS = 24 * 3600 * 1000;

export const MAX_EVENTS_PER_BATCH = 500;

/**
 * What a PROPOSAL_SHOWN event says about the proposal (every field optional: older clients sent
 * less). `maskPrompt`: the decoder was given the object's previous mask (SAM's mask prompt, #13);
 * false for a new box, after an undo, or with a model exported before the mask prompt existed.
 */
export const proposalShownPayloadSchema = z
  .object({
    // 'propagation': the volume mode's propagated slices (one event per propagation run).
    kind: z.enum(['box', 'click', 'propagation']).optional(),
    maskPrompt: z.boolean().optional(),
    encoderMs: z.number().finite().min(0).optional(),
    decoderMs: z.number().finite().min(0).optional(),
    workerMs: z.number().finite().min(0).optional(),
    encoderReused: z.boolean().optional(),
    iouPredictions: z.array(z.number()).optional(),
  })
  .passthrough();
export type ProposalShownPayload = z.input<typeof proposalShownPayloadSchema>;

const eventObjectSchema = z.object({
  /**
   * The page's id for this event (a UUID, made when it was recorded). Retries and replays of a
   * batch carry the same ids, and the server stores each (user, clientEventId) once.
   */
  clientEventId: z.string().uuid().nullish(),
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
  // A Date from the page (superjson), an ISO string from plain-JSON clients.
  clientTime: z.coerce
    .date<Date | string>()
    .refine(
      (d) => Math.abs(d.getTime() - Date.now()) <= MAX_CLOCK_SKEW_MS,
      'clientTime is more than a day away from the server clock',
    ),
});

export const interactionEventSchema = eventObjectSchema.superRefine((event, ctx) => {
  if (event.type !== 'PROPOSAL_SHOWN') return;
  const payload = proposalShownPayloadSchema.safeParse(event.payload);
  if (!payload.success)
    for (const issue of payload.error.issues)
      ctx.addIssue({
        code: 'custom',
        path: ['payload', ...issue.path],
        message: issue.message,
      });
});

/** An event as a client sends it. */
export type InteractionEventInput = z.input<typeof interactionEventSchema>;
/** An event as the server stores it (defaults filled, clientTime a Date). */
export type InteractionEvent = z.output<typeof interactionEventSchema>;
