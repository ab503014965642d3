import { redirect } from 'next/navigation';
import type { ReactNode } from 'react';
import { getCurrentUser } from '../../server/auth/current-user';
import { AppNav } from '../../components/app-nav';

export const dynamic = 'force-dynamic';

/** Signed-in area: top navigation (with project tabs and the Admin slot) above the page. */
export default async function AppLayout({ children }: { children: ReactNode }) {
  const user = await getCurrentUser();
  if (!user) redirect('/sign-in');
  return (
    <div className="flex h-full flex-col">
      <AppNav user={{ name: user.name, email: user.email, isSiteAdmin: user.isSiteAdmin }} />
      <div className="min-h-0 flex-1">{children}</div>
    </div>
  );
}
