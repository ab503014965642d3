import { getCurrentUser } from '../../../server/auth/current-user';
import { ProjectList } from '../../../components/project-list';

export const dynamic = 'force-dynamic';

export default async function ProjectsPage() {
  const user = await getCurrentUser();
  return <ProjectList canCreate={user?.isSiteAdmin ?? false} />;
}
