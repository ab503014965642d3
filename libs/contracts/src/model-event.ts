/**
 * The Server-Sent Events of GET /api/projects/:projectId/model-events: "model" with the project's
 * active ModelRef (on connect and after every promotion), "problem" when the server cannot follow
 * promotions. The server writes every frame with encodeModelEvent; the page's EventSource and the
 * bench decode each event's data with decodeModelEvent.
 */
import { z } from 'zod';
import { ContractError, parseContract } from './contract-error';
import { modelRefSchema, type ModelRef } from './model-ref';

export const MODEL_EVENT_NAMES = ['model', 'problem'] as const;
export type ModelEventName = (typeof MODEL_EVENT_NAMES)[number];

export type ModelEvent =
  { event: 'model'; model: ModelRef } | { event: 'problem'; message: string };

const problemSchema = z.object({ message: z.string() });

export function isModelEventName(name: string): name is ModelEventName {
  return (MODEL_EVENT_NAMES as readonly string[]).includes(name);
}

/** One SSE frame (`event: …\ndata: …\n\n`); the ref is checked so the server never sends a bad one. */
export function encodeModelEvent(event: ModelEvent): string {
  const data =
    event.event === 'model'
      ? parseContract(modelRefSchema, event.model, "model-events 'model' event")
      : parseContract(problemSchema, { message: event.message }, "model-events 'problem' event");
  return `event: ${event.event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** The event named `name` from its data line(s); throws a ContractError on anything else. */
export function decodeModelEvent(name: string, data: string): ModelEvent {
  const contract = `model-events '${name}' event`;
  if (!isModelEventName(name))
    throw new ContractError(contract, [`unknown event (${MODEL_EVENT_NAMES.join(', ')})`]);
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch (error) {
    throw new ContractError(contract, [`data is not JSON (${(error as Error).message})`]);
  }
  if (name === 'model')
    return { event: 'model', model: parseContract(modelRefSchema, json, contract) };
  return { event: 'problem', message: parseContract(problemSchema, json, contract).message };
}
