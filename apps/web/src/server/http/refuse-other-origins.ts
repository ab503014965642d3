import { checkRequestOrigin } from './check-request-origin';

/**
 * The answer src/middleware.ts gives a state-changing request from another origin (403, the
 * reason), for the routes its matcher skips (uploads, tRPC) and which check the origin themselves;
 * null when the request may go on.
 */
export function refuseOtherOrigins(req: Request): Response | null {
  const verdict = checkRequestOrigin(req);
  if (verdict.ok) return null;
  return Response.json(
    { error: { code: 'FORBIDDEN', message: verdict.reason, details: { check: 'origin' } } },
    { status: 403 },
  );
}
