/**
 * Same-origin rule for state-changing requests (tRPC mutations, uploads, sign-in, sign-out).
 * SameSite=Lax cookies still reach us from another port of the same host (same site), so the
 * cookie alone does not prove the request came from our own pages; the browser's `Origin` (or,
 * when it sends none, `Sec-Fetch-Site`) does. Clients that send neither (scripts, the bench's
 * scripted annotator) carry no ambient browser cookies to abuse and pass.
 *
 * The app's own origin is the host the request was addressed to (`Host`); a reverse proxy in
 * front must pass `Host` through unchanged.
 */

/** Methods that never change state (tRPC queries are GETs; mutations are POSTs). */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export type OriginVerdict = { ok: true } | { ok: false; reason: string };

export function checkRequestOrigin(request: { method: string; headers: Headers }): OriginVerdict {
  if (SAFE_METHODS.has(request.method.toUpperCase())) return { ok: true };
  const host = request.headers.get('host');
  const origin = request.headers.get('origin');
  if (origin !== null) {
    let originHost: string | null = null;
    try {
      // "null" (sandboxed frames, opaque redirects) does not parse and is refused.
      originHost = new URL(origin).host;
    } catch {
      originHost = null;
    }
    if (host !== null && originHost !== null && originHost.toLowerCase() === host.toLowerCase())
      return { ok: true };
    return {
      ok: false,
      reason: `Cross-origin request refused: Origin ${JSON.stringify(origin)} is not this app (${host ?? 'no Host header'}).`,
    };
  }
  const site = request.headers.get('sec-fetch-site');
  if (site === null || site === 'same-origin' || site === 'none') return { ok: true };
  return {
    ok: false,
    reason: `Cross-origin request refused: the browser says it came from a ${site} page (Sec-Fetch-Site).`,
  };
}
