'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useState, type FormEvent } from 'react';
import { errorMessage, useToast } from './toast';
import { useTRPC } from './trpc';

const DONE_STATUSES = ['SUBMITTED', 'APPROVED'];

export function ProjectList({ canCreate }: { canCreate: boolean }) {
  const trpc = useTRPC();
  const projects = useQuery(trpc.projects.list.queryOptions());
  return (
    <main className="mx-auto max-w-5xl p-8">
      <div className="mb-6 flex items-end justify-between">
        <div>
          <h1 className="text-xl font-semibold text-white">Projects</h1>
          <p className="text-sm text-slate-400">Pick a project to annotate, review or manage.</p>
        </div>
      </div>
      {projects.isLoading && <p className="text-sm text-slate-500">Loading…</p>}
      {projects.error && <p className="text-sm text-red-300">{errorMessage(projects.error)}</p>}
      <ul className="grid gap-4 sm:grid-cols-2">
        {projects.data?.map((p) => {
          const total = Object.values(p.tasksByStatus).reduce((a, b) => a + b, 0);
          const done = DONE_STATUSES.reduce((a, s) => a + (p.tasksByStatus[s] ?? 0), 0);
          const pct = total ? Math.round((100 * done) / total) : 0;
          return (
            <li
              key={p.id}
              className="rounded-xl border border-slate-800 bg-slate-900/60 p-5 hover:border-slate-700"
            >
              <div className="flex items-start justify-between gap-3">
                <Link
                  href={`/projects/${p.id}`}
                  className="text-base font-medium text-white hover:text-sky-300"
                >
                  {p.name}
                </Link>
                <span className="rounded bg-slate-800 px-2 py-0.5 text-xs text-slate-300">
                  {p.role.toLowerCase()}
                </span>
              </div>
              {p.description && (
                <p className="mt-1 line-clamp-2 text-sm text-slate-400">{p.description}</p>
              )}
              <div className="mt-4 h-1.5 overflow-hidden rounded bg-slate-800">
                <div className="h-full bg-sky-500" style={{ width: `${pct}%` }} />
              </div>
              <div className="mt-2 flex justify-between text-xs text-slate-400">
                <span>
                  {done} / {total} labeled · {p.imageCount} images
                </span>
                <span>model {p.activeModelVersion ? `v${p.activeModelVersion.version}` : '—'}</span>
              </div>
              <div className="mt-4 flex gap-2">
                <Link
                  href={`/projects/${p.id}/annotate`}
                  className="rounded-md bg-sky-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-sky-500"
                >
                  Annotate
                </Link>
                <Link
                  href={`/projects/${p.id}`}
                  className="rounded-md border border-slate-700 px-3 py-1.5 text-sm hover:bg-slate-800"
                >
                  Open
                </Link>
              </div>
            </li>
          );
        })}
      </ul>
      {projects.data?.length === 0 && (
        <p className="text-sm text-slate-500">You are not a member of any project yet.</p>
      )}
      {canCreate && <CreateProjectForm />}
    </main>
  );
}

function CreateProjectForm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const [name, setName] = useState('');
  const [objectLabel, setObjectLabel] = useState('lesion');
  const create = useMutation(
    trpc.projects.create.mutationOptions({
      onSuccess: async (project) => {
        setName('');
        toast.success(`Project "${project.name}" created`);
        await queryClient.invalidateQueries({ queryKey: trpc.projects.list.queryKey() });
      },
      onError: (error) => toast.error(errorMessage(error)),
    }),
  );
  function submit(e: FormEvent) {
    e.preventDefault();
    create.mutate({ name, objectLabel, description: '' });
  }
  return (
    <form
      onSubmit={submit}
      className="mt-10 flex flex-wrap items-end gap-3 rounded-xl border border-dashed border-slate-700 p-5"
    >
      <label className="flex-1">
        <span className="mb-1 block text-xs text-slate-400">New project name</span>
        <input
          value={name}
          onChange={(e) => setName(e.target.value)}
          required
          minLength={2}
          className="w-full rounded-md border border-slate-700 bg-slate-950 px-3 py-2 text-sm outline-none focus:border-sky-500"
        />
      </label>
      <label>
        <span className="mb-1 block text-xs text-slate-400">Object label</span>
        <input
          value={objectLabel}
          onChange={(e) => setObjectLabel(e.target.value)}
          className="w-40 rounded-md border border-slate-700 bg-slate-950 px-3 py-2 text-sm outline-none focus:border-sky-500"
        />
      </label>
      <button
        disabled={create.isPending}
        className="rounded-md bg-slate-100 px-4 py-2 text-sm font-medium text-slate-900 hover:bg-white"
      >
        Create project
      </button>
    </form>
  );
}
