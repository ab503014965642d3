/**
 * Text the database cannot store: Postgres refuses NUL in text and jsonb, and a lone UTF-16
 * surrogate (what invalid UTF-8 or a stray "\ud800" escape decodes to) is not Unicode at all.
 * Such input used to reach a query and come back as a 500 with a database stack; it is bad input.
 */

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Why this one string cannot be stored, or null when it can. */
export function unsafeTextReason(text: string): string | null {
  if (text.includes('\u0000')) return 'contains a NUL character';
  if (LONE_SURROGATE.test(text)) return 'is not valid Unicode (invalid UTF-8 or a lone surrogate)';
  return null;
}

/**
 * The first string (value or object key) anywhere in `value` that cannot be stored, with its
 * path (`events.2.payload.label`), or null. Walks plain objects and arrays only.
 */
export function findUnsafeText(
  value: unknown,
  path: string[] = [],
  depth = 0,
): { path: string; reason: string } | null {
  const where = () => path.join('.') || 'input';
  if (typeof value === 'string') {
    const reason = unsafeTextReason(value);
    return reason ? { path: where(), reason } : null;
  }
  // Inputs are small and shallow; a deeper structure is refused by the schemas anyway.
  if (value === null || typeof value !== 'object' || depth > 32) return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findUnsafeText(value[i], [...path, String(i)], depth + 1);
      if (found) return found;
    }
    return null;
  }
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return null;
  for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
    const keyReason = unsafeTextReason(key);
    if (keyReason) return { path: [...path, key].join('.'), reason: `key ${keyReason}` };
    const found = findUnsafeText(inner, [...path, key], depth + 1);
    if (found) return found;
  }
  return null;
}

/** The message for a refusal: names the field and what is wrong with it. */
export function unsafeTextMessage(found: { path: string; reason: string }): string {
  return `${found.path} ${found.reason}; it cannot be stored.`;
}
