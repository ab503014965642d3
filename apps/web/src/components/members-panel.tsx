'use client';
/** Project admins: who is in the project, and adding someone by email with a role. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { PROJECT_ROLES, type ProjectRole } from '../lib/roles';
import { errorMessage, useToast } from './toast';
import { useTRPC } from './trpc';

export function MembersPanel({ projectId }: { projectId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const members = useQuery(trpc.projects.members.queryOptions({ projectId }));
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<ProjectRole>('ANNOTATOR');
  const add = useMutation(
    trpc.projects.addMember.mutationOptions({
      onSuccess: async () => {
        toast.success(`${email} is now ${role.toLowerCase()}`);
        setEmail('');
        await queryClient.invalidateQueries({ queryKey: trpc.projects.members.queryKey() });
      },
      onError: (error) => toast.error(errorMessage(error)),
    }),
  );
  function submit(e: FormEvent) {
    e.preventDefault();
    add.mutate({ projectId, email, role });
  }
  return (
    <details className="self-start rounded-xl border border-slate-800 bg-slate-900/40 p-4 text-sm">
      <summary className="cursor-pointer text-slate-300 select-none">
        Members ({members.data?.length ?? '…'})
      </summary>
      <ul className="mt-3 space-y-1">
        {members.data?.map((m) => (
          <li key={m.user.id} className="flex items-center justify-between text-xs">
            <span className="text-slate-200">
              {m.user.name} <span className="text-slate-500">{m.user.email}</span>
            </span>
            <span className="rounded bg-slate-800 px-1.5 py-0.5 text-slate-300">
              {m.role.toLowerCase()}
            </span>
          </li>
        ))}
      </ul>
      <form onSubmit={submit} className="mt-3 flex gap-2">
        <input
          type="email"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          placeholder="colleague@hospital.org"
          className="flex-1 rounded-md border border-slate-700 bg-slate-950 px-2 py-1 text-xs outline-none focus:border-sky-500"
        />
        <select
          value={role}
          onChange={(e) => setRole(e.target.value as ProjectRole)}
          className="rounded-md border border-slate-700 bg-slate-950 px-2 py-1 text-xs"
        >
          {PROJECT_ROLES.map((r) => (
            <option key={r} value={r}>
              {r.toLowerCase()}
            </option>
          ))}
        </select>
        <button
          disabled={add.isPending}
          className="rounded-md bg-slate-100 px-3 py-1 text-xs font-medium text-slate-900 hover:bg-white"
        >
          Add
        </button>
      </form>
    </details>
  );
}
