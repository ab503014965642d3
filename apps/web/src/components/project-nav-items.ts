/**
 * Tabs shown for a project in the top navigation. A new page (e.g. the admin dashboard) is one
 * entry here; `minRole` hides it from members below that role (the server checks again).
 */
import type { ProjectRole } from '../lib/roles';

export interface ProjectNavItem {
  label: string;
  /** Path below /projects/[projectId]; '' is the overview. */
  segment: string;
  minRole: ProjectRole;
}

export const PROJECT_NAV_ITEMS: ProjectNavItem[] = [
  { label: 'Overview', segment: '', minRole: 'ANNOTATOR' },
  { label: 'Annotate', segment: 'annotate', minRole: 'ANNOTATOR' },
  { label: 'Review', segment: 'review', minRole: 'REVIEWER' },
  { label: 'Dashboard', segment: 'dashboard', minRole: 'ADMIN' },
  { label: 'PACS', segment: 'pacs', minRole: 'ADMIN' },
];
