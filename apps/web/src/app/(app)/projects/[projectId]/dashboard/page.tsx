/**
 * /projects/[projectId]/dashboard: the admin dashboard (issue 7). Project admins only; the data
 * procedures and the CSV route check the role again on every call.
 */
import { notFound, redirect } from 'next/navigation';
import { getCurrentUser } from '../../../../../server/auth/current-user';
import { getDb } from '../../../../../server/db';
import { getMembershipRole } from '../../../../../server/services/projects/get-membership-role';
import { getProject } from '../../../../../server/services/projects/get-project';
import { DashboardClient } from './dashboard-client';

export const dynamic = 'force-dynamic';

export default async function DashboardPage({
  params,
}: {
  params: Promise<{ projectId: string }>;
}) {
  const { projectId } = await params;
  const user = await getCurrentUser();
  if (!user) redirect('/sign-in');
  const role = await getMembershipRole(getDb(), user.id, projectId);
  if (!role) notFound();
  if (role !== 'ADMIN') {
    return (
      <main className="mx-auto max-w-xl p-8">
        <h1 className="text-lg font-semibold text-white">Admins only</h1>
        <p className="mt-2 text-sm text-slate-400">
          The dashboard is for project administrators; you are {role.toLowerCase()} here.
        </p>
      </main>
    );
  }
  const project = await getProject(getDb(), projectId);
  return <DashboardClient projectId={projectId} projectName={project.name} />;
}
