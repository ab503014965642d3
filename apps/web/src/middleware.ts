/**
 * Runs before every page and API route: refuses state-changing requests from other origins
 * (server/http/check-request-origin.ts) and sets the content security policy: a fresh nonce per
 * page (Next stamps it on its scripts; the root layout reads headers, so every page renders per
 * request), a data-only policy on API answers. Static assets and the worker get theirs from
 * next.config.ts; the upload route and tRPC (see the matcher) apply the same rule themselves.
 */
import { NextResponse, type NextRequest } from 'next/server';
import { checkRequestOrigin } from './server/http/check-request-origin';
import {
  API_CONTENT_SECURITY_POLICY,
  pageContentSecurityPolicy,
} from './server/http/content-security-policy';

export function middleware(request: NextRequest): NextResponse {
  const verdict = checkRequestOrigin(request);
  if (!verdict.ok)
    return NextResponse.json(
      { error: { code: 'FORBIDDEN', message: verdict.reason, details: { check: 'origin' } } },
      { status: 403, headers: { 'Content-Security-Policy': API_CONTENT_SECURITY_POLICY } },
    );
  if (request.nextUrl.pathname.startsWith('/api/')) {
    const response = NextResponse.next();
    response.headers.set('Content-Security-Policy', API_CONTENT_SECURITY_POLICY);
    return response;
  }
  const nonce = btoa(crypto.randomUUID());
  // Build tooling decides dev vs production; this is not app configuration (src/env.ts).
  const policy = pageContentSecurityPolicy({
    nonce,
    dev: process.env['NODE_ENV'] === 'development',
  });
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set('x-nonce', nonce);
  requestHeaders.set('Content-Security-Policy', policy);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set('Content-Security-Policy', policy);
  return response;
}

export const config = {
  // Everything but build assets, public/ files (the worker, ort's runtime), the upload route and
  // tRPC: Next copies the body of every request a middleware sees and cuts it at 10 MB, so uploads
  // would arrive truncated, and for tRPC (most requests under load) the copy and the edge sandbox
  // cost server CPU. Both check the origin and set the policy themselves (refuse-other-origins.ts).
  matcher: [
    '/((?!_next/static|_next/image|favicon\\.ico|inference-worker\\.js|ort/|api/trpc/|api/projects/[^/]+/images$).*)',
  ],
};
