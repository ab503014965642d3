/** Access check for route handlers (the tRPC procedures use the builders in server/api/trpc.ts). */
import { AppError } from '../errors/app-error';
import { getDb } from '../db';
import { roleAtLeast, type ProjectRole } from '../../lib/roles';
import { getMembershipRole } from '../services/projects/get-membership-role';
import type { SessionUser } from '../services/auth/get-session-user';
import { getRequestUser } from './current-user';

export async function requireProjectRole(
  req: Request,
  projectId: string,
  minRole: ProjectRole,
): Promise<{ user: SessionUser; role: ProjectRole }> {
  const user = await getRequestUser(req);
  if (!user) throw new AppError('UNAUTHENTICATED', 'Sign in first.');
  const role = await getMembershipRole(getDb(), user.id, projectId);
  if (!role) throw new AppError('FORBIDDEN', 'You are not a member of this project.');
  if (!roleAtLeast(role, minRole))
    throw new AppError(
      'FORBIDDEN',
      `This needs the ${minRole.toLowerCase()} role in this project.`,
    );
  return { user, role };
}
