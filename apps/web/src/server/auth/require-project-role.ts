/** Access check for route handlers (the tRPC procedures use the builders in server/api/trpc.ts). */
import { AppError } from '../errors/app-error';
import { getDb } from '../db';
import { roleAtLeast, type ProjectRole } from '../../lib/roles';
import { getMembershipRole } from '../services/projects/get-membership-role';
import type { SessionUser } from '../services/auth/get-session-user';
import { getRequestUser } from './current-user';

/** The signed-in user, or 401: checked before any id is looked up, so ids tell an anonymous caller nothing. */
export async function requireSignedIn(req: Request): Promise<SessionUser> {
  const user = await getRequestUser(req);
  if (!user) throw new AppError('UNAUTHENTICATED', 'Sign in first.');
  return user;
}

/**
 * The caller's role in the project, at least `minRole`. `notMember` replaces the refusal for
 * callers outside the project: routes addressed by a resource id (an image, a model version) pass
 * the same NOT_FOUND they give unknown ids, so a stranger cannot tell a real id from a made-up one.
 */
export async function requireProjectRole(
  req: Request,
  projectId: string,
  minRole: ProjectRole,
  options: { notMember?: AppError } = {},
): Promise<{ user: SessionUser; role: ProjectRole }> {
  const user = await requireSignedIn(req);
  const role = await getMembershipRole(getDb(), user.id, projectId);
  if (!role)
    throw options.notMember ?? new AppError('FORBIDDEN', 'You are not a member of this project.');
  if (!roleAtLeast(role, minRole))
    throw new AppError(
      'FORBIDDEN',
      `This needs the ${minRole.toLowerCase()} role in this project.`,
    );
  return { user, role };
}
