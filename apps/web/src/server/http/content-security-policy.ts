/**
 * Content security policies. Pages get a per-request nonce for Next's own scripts (set by
 * middleware; Next reads it back from the request's CSP header and stamps its script tags),
 * 'strict-dynamic' so the chunks those scripts load are trusted too, and 'wasm-unsafe-eval' for
 * WebAssembly. Nobody may frame any of it (clickjacking). The worker's policy is in next.config.ts.
 */

export function pageContentSecurityPolicy(options: { nonce: string; dev: boolean }): string {
  const directives: Record<string, string[]> = {
    'default-src': ["'self'"],
    // next dev evaluates modules with eval (react refresh); production never does.
    'script-src': [
      "'self'",
      `'nonce-${options.nonce}'`,
      "'strict-dynamic'",
      "'wasm-unsafe-eval'",
      ...(options.dev ? ["'unsafe-eval'"] : []),
    ],
    // React style attributes (canvas sizes, chart bars) are inline styles.
    'style-src': ["'self'", "'unsafe-inline'"],
    'img-src': ["'self'", 'blob:', 'data:'],
    'font-src': ["'self'", 'data:'],
    'connect-src': ["'self'", ...(options.dev ? ['ws:'] : [])],
    // The inference worker is same-origin; onnxruntime-web's threads may start from blob: URLs.
    'worker-src': ["'self'", 'blob:'],
    'object-src': ["'none'"],
    'base-uri': ["'self'"],
    'form-action': ["'self'"],
    'frame-ancestors': ["'none'"],
  };
  return Object.entries(directives)
    .map(([name, values]) => `${name} ${values.join(' ')}`)
    .join('; ');
}

/** API responses are data, never documents to render or frame. */
export const API_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'";
