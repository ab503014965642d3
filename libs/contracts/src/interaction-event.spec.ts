import { describe, expect, it } from 'vitest';
import { parseContract } from './contract-error';
import { interactionEventSchema, type InteractionEventInput } from './interaction-event';

const parse = (event: unknown) => parseContract(interactionEventSchema, event, 'event');

describe('interaction events', () => {
  it('takes the page (Date) and plain-JSON clients (ISO string) alike, and fills defaults', () => {
    const at = new Date();
    const fromPage: InteractionEventInput = {
      type: 'BOX',
      objectId: 'o1',
      payload: { box: { x0: 1, y0: 2, x1: 3, y1: 4 } },
      modelVersionId: 'm1',
      clientTime: at,
    };
    const parsed = parse(fromPage);
    expect(parsed).toEqual({ ...fromPage, clientTime: at });
    expect(parse(JSON.parse(JSON.stringify(fromPage)))).toEqual(parsed);
    expect(parse({ type: 'UNDO', clientTime: at.toISOString() })).toEqual({
      type: 'UNDO',
      payload: {},
      clientTime: at,
    });
  });

  it('refuses an unknown type, a clock far off and an oversized payload, naming the field', () => {
    const now = new Date();
    expect(() => parse({ type: 'LASSO', clientTime: now })).toThrow(/^event is malformed: type: /);
    expect(() =>
      parse({ type: 'UNDO', clientTime: new Date(Date.now() - 3 * 86_400_000) }),
    ).toThrow(
      'event is malformed: clientTime: clientTime is more than a day away from the server clock',
    );
    expect(() => parse({ type: 'UNDO', clientTime: 'yesterday-ish' })).toThrow(/clientTime: /);
    expect(() =>
      parse({ type: 'BRUSH_STROKE', payload: { points: 'x'.repeat(9000) }, clientTime: now }),
    ).toThrow('event is malformed: payload: payload must serialise to at most 8000 characters');
    expect(() => parse({ type: 'ACCEPT', latencyMs: -1, clientTime: now })).toThrow(/latencyMs: /);
  });

  it('checks what a PROPOSAL_SHOWN payload says, e.g. whether a mask prompt was used', () => {
    const now = new Date();
    const shown = parse({
      type: 'PROPOSAL_SHOWN',
      payload: { kind: 'click', maskPrompt: true, decoderMs: 3 },
      clientTime: now,
    });
    expect(shown.payload).toEqual({ kind: 'click', maskPrompt: true, decoderMs: 3 });
    expect(parse({ type: 'PROPOSAL_SHOWN', clientTime: now }).payload).toEqual({});
    // The volume mode's propagation runs (one event per run, with the slices it filled).
    const propagated = { kind: 'propagation', from: 5, slices: [4, 6] };
    expect(parse({ type: 'PROPOSAL_SHOWN', payload: propagated, clientTime: now }).payload).toEqual(
      propagated,
    );
    expect(() =>
      parse({ type: 'PROPOSAL_SHOWN', payload: { kind: 'guess' }, clientTime: now }),
    ).toThrow(/^event is malformed: payload\.kind: /);
    expect(() =>
      parse({ type: 'PROPOSAL_SHOWN', payload: { maskPrompt: 'yes' }, clientTime: now }),
    ).toThrow(/^event is malformed: payload\.maskPrompt: /);
    // Other types keep a free-form payload.
    expect(parse({ type: 'TAG', payload: { maskPrompt: 'yes' }, clientTime: now }).payload).toEqual(
      {
        maskPrompt: 'yes',
      },
    );
  });
});
