/**
 * /projects/[projectId]/pacs: connect the project to a DICOMweb PACS, search it, import series
 * and send masks back as DICOM SEG. Project admins only; every procedure checks the role again.
 */
import { notFound, redirect } from 'next/navigation';
import { getCurrentUser } from '../../../../../server/auth/current-user';
import { getDb } from '../../../../../server/db';
import { getMembershipRole } from '../../../../../server/services/projects/get-membership-role';
import { PacsClient } from './pacs-client';

export const dynamic = 'force-dynamic';

export default async function PacsPage({ params }: { params: Promise<{ projectId: string }> }) {
  const { projectId } = await params;
  const user = await getCurrentUser();
  if (!user) redirect('/sign-in');
  const role = await getMembershipRole(getDb(), user.id, projectId);
  if (!role) notFound();
  if (role !== 'ADMIN')
    return (
      <main className="mx-auto max-w-xl p-8">
        <h1 className="text-lg font-semibold text-white">Admins only</h1>
        <p className="mt-2 text-sm text-slate-400">
          PACS connections are managed by project administrators; you are {role.toLowerCase()} here.
        </p>
      </main>
    );
  return <PacsClient projectId={projectId} />;
}
