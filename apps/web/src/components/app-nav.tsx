'use client';
import { useMutation, useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { usePathname, useRouter } from 'next/navigation';
import { roleAtLeast } from '../lib/roles';
import { PROJECT_NAV_ITEMS } from './project-nav-items';
import { useTRPC } from './trpc';

export function AppNav({ user }: { user: { name: string; email: string; isSiteAdmin: boolean } }) {
  const trpc = useTRPC();
  const router = useRouter();
  const pathname = usePathname();
  const projectId = /^\/projects\/([^/]+)/.exec(pathname)?.[1] ?? null;
  const projects = useQuery(trpc.projects.list.queryOptions());
  const project = projects.data?.find((p) => p.id === projectId) ?? null;
  const signOut = useMutation(
    trpc.auth.signOut.mutationOptions({ onSuccess: () => router.replace('/sign-in') }),
  );

  return (
    <header className="flex h-12 shrink-0 items-center gap-6 border-b border-slate-800 bg-slate-900/90 px-4">
      <Link href="/projects" className="flex items-center gap-2 font-semibold text-white">
        <span className="flex h-6 w-6 items-center justify-center rounded-full border-2 border-sky-400/80">
          <span className="h-2.5 w-2.5 rounded-full bg-sky-400" />
        </span>
        Loupe
      </Link>
      <nav className="flex items-center gap-1 text-sm">
        <Link
          href="/projects"
          className={`rounded px-2 py-1 ${projectId ? 'text-slate-400 hover:text-white' : 'text-white'}`}
        >
          Projects
        </Link>
        {project && (
          <>
            <span className="text-slate-600">/</span>
            <span className="max-w-56 truncate px-1 text-slate-300">{project.name}</span>
            {PROJECT_NAV_ITEMS.filter((item) => roleAtLeast(project.role, item.minRole)).map(
              (item) => {
                const href = `/projects/${project.id}${item.segment ? `/${item.segment}` : ''}`;
                const active = item.segment ? pathname.startsWith(href) : pathname === href;
                return (
                  <Link
                    key={item.label}
                    href={href}
                    className={`rounded px-2 py-1 ${active ? 'bg-slate-800 text-white' : 'text-slate-400 hover:text-white'}`}
                  >
                    {item.label}
                  </Link>
                );
              },
            )}
          </>
        )}
      </nav>
      <div className="ml-auto flex items-center gap-3 text-sm">
        {project && (
          <span className="rounded bg-slate-800 px-2 py-0.5 text-xs text-slate-300">
            {project.role.toLowerCase()}
          </span>
        )}
        <span className="text-slate-400" title={user.email}>
          {user.name}
          {user.isSiteAdmin && <span className="ml-1 text-xs text-sky-400">(site admin)</span>}
        </span>
        <button
          onClick={() => signOut.mutate()}
          className="rounded px-2 py-1 text-slate-400 hover:bg-slate-800 hover:text-white"
        >
          Sign out
        </button>
      </div>
    </header>
  );
}
