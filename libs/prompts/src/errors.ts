/**
 * The one error type of libs/prompts: bad input names the offending field and says why.
 *
 * `field` is a dotted path into the caller's input (`box.x1`, `clicks.2.y`, `mask`, `bytes`),
 * `reason` a short human sentence. `message` is `${field}: ${reason}`.
 */
export class PromptError extends Error {
  override readonly name = 'PromptError';
  readonly field: string;
  readonly reason: string;

  constructor(field: string, reason: string) {
    super(`${field}: ${reason}`);
    this.field = field;
    this.reason = reason;
  }

  /** Plain object for postMessage / JSON (a class instance loses its prototype across a worker). */
  toJSON(): { name: 'PromptError'; field: string; reason: string; message: string } {
    return { name: 'PromptError', field: this.field, reason: this.reason, message: this.message };
  }
}

/** True for a PromptError, or its structured clone / JSON form (name 'PromptError' + field + reason). */
export function isPromptError(e: unknown): e is PromptError {
  if (e instanceof PromptError) return true;
  if (typeof e !== 'object' || e === null) return false;
  const o = e as Record<string, unknown>;
  return (
    o['name'] === 'PromptError' && typeof o['field'] === 'string' && typeof o['reason'] === 'string'
  );
}
