import type { Db } from '@loupe/db';
import { AppError } from '../../errors/app-error';
import type { ProjectRole } from '../../../lib/roles';
import { forgetMembershipRoles } from './get-membership-role';

/** Adds (or changes the role of) a member by email. */
export async function addMember(
  db: Db,
  projectId: string,
  input: { email: string; role: ProjectRole },
) {
  const user = await db.user.findUnique({
    where: { email: input.email.trim().toLowerCase() },
    select: { id: true },
  });
  if (!user) throw new AppError('NOT_FOUND', `No account with email ${input.email}.`);
  const membership = await db.membership.upsert({
    where: { userId_projectId: { userId: user.id, projectId } },
    create: { userId: user.id, projectId, role: input.role },
    update: { role: input.role },
    select: { userId: true, role: true },
  });
  forgetMembershipRoles(db);
  return membership;
}
