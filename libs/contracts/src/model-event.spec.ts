import { describe, expect, it } from 'vitest';
import { ContractError } from './contract-error';
import { decodeModelEvent, encodeModelEvent, isModelEventName } from './model-event';

const model = {
  modelVersionId: 'm1',
  version: 3,
  manifestSha256: '0f'.repeat(32),
  baseUrl: '/api/models/m1',
};

/** The event name and joined data lines of one frame, as EventSource reads them. */
function readFrame(frame: string): { name: string; data: string } {
  expect(frame.endsWith('\n\n')).toBe(true);
  const lines = frame.trimEnd().split('\n');
  const name = lines.find((l) => l.startsWith('event: '))!.slice('event: '.length);
  const data = lines
    .filter((l) => l.startsWith('data: '))
    .map((l) => l.slice('data: '.length))
    .join('\n');
  return { name, data };
}

describe('model-events stream', () => {
  it('round-trips a model event and a problem event', () => {
    for (const event of [
      { event: 'model', model },
      { event: 'problem', message: 'database unreachable' },
    ] as const) {
      const { name, data } = readFrame(encodeModelEvent(event));
      expect(isModelEventName(name)).toBe(true);
      expect(decodeModelEvent(name, data)).toEqual(event);
    }
  });

  it('writes only the ref fields, so server-side extras never reach the page', () => {
    const frame = encodeModelEvent({
      event: 'model',
      model: { ...model, promotedAt: new Date() } as typeof model,
    });
    expect(JSON.parse(readFrame(frame).data)).toEqual(model);
  });

  it('refuses to write a malformed ref', () => {
    expect(() => encodeModelEvent({ event: 'model', model: { ...model, version: -1 } })).toThrow(
      ContractError,
    );
  });

  it('refuses malformed data with a clear message', () => {
    expect(() => decodeModelEvent('model', '{not json')).toThrow(
      /^model-events 'model' event is malformed: data is not JSON/,
    );
    expect(() => decodeModelEvent('model', JSON.stringify({ ...model, baseUrl: 7 }))).toThrow(
      "model-events 'model' event is malformed: baseUrl: Invalid input: expected string, received number",
    );
    expect(() => decodeModelEvent('problem', '{}')).toThrow(/message: Invalid input/);
    expect(() => decodeModelEvent('promoted', '{}')).toThrow(
      "model-events 'promoted' event is malformed: unknown event (model, problem)",
    );
  });
});
