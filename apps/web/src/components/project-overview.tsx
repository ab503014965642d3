'use client';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useCallback, useState } from 'react';
import { roleAtLeast } from '../lib/roles';
import { ImageUploader } from './image-uploader';
import { MembersPanel } from './members-panel';
import { StatusBadge } from './status-badge';
import { errorMessage } from './toast';
import { useTRPC } from './trpc';

const PAGE_SIZE = 48;

export function ProjectOverview({ projectId }: { projectId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [page, setPage] = useState(0);
  const project = useQuery(trpc.projects.get.queryOptions({ projectId }));
  const projects = useQuery(trpc.projects.list.queryOptions());
  const role = projects.data?.find((p) => p.id === projectId)?.role ?? null;
  const images = useQuery(trpc.images.list.queryOptions({ projectId, page, pageSize: PAGE_SIZE }));
  const refresh = useCallback(() => {
    void queryClient.invalidateQueries({ queryKey: trpc.images.list.queryKey() });
    void queryClient.invalidateQueries({ queryKey: trpc.projects.list.queryKey() });
  }, [queryClient, trpc]);

  if (project.error)
    return <p className="p-8 text-sm text-red-300">{errorMessage(project.error)}</p>;
  const total = images.data?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));

  return (
    <main className="mx-auto max-w-7xl p-8">
      <div className="mb-6 flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="text-xl font-semibold text-white">{project.data?.name ?? '…'}</h1>
          <p className="text-sm text-slate-400">{project.data?.description}</p>
        </div>
        <div className="flex items-center gap-2">
          <span
            className="rounded-full border border-slate-700 px-3 py-1 text-xs text-slate-300"
            data-testid="project-model"
          >
            model{' '}
            {project.data?.activeModelVersion
              ? `v${project.data.activeModelVersion.version}`
              : 'none yet'}
          </span>
          <Link
            href={`/projects/${projectId}/annotate`}
            className="rounded-md bg-sky-600 px-4 py-2 text-sm font-medium text-white hover:bg-sky-500"
          >
            Start annotating
          </Link>
          {role && roleAtLeast(role, 'REVIEWER') && (
            <>
              <Link
                href={`/projects/${projectId}/review`}
                className="rounded-md border border-slate-700 px-3 py-2 text-sm hover:bg-slate-800"
              >
                Review
              </Link>
              <div className="flex overflow-hidden rounded-md border border-slate-700 text-sm">
                <span className="bg-slate-900 px-2 py-2 text-xs text-slate-400">Export</span>
                {(['coco', 'png', 'nifti', 'dicom-seg'] as const).map((format) => (
                  <a
                    key={format}
                    href={`/api/projects/${projectId}/export?format=${format}`}
                    className="px-2.5 py-2 hover:bg-slate-800"
                  >
                    {format === 'coco'
                      ? 'COCO'
                      : format === 'png'
                        ? 'PNG masks'
                        : format === 'nifti'
                          ? 'NIfTI'
                          : 'DICOM SEG'}
                  </a>
                ))}
              </div>
            </>
          )}
        </div>
      </div>

      {role === 'ADMIN' && (
        <section className="mb-8 grid gap-4 lg:grid-cols-[2fr_1fr]">
          <ImageUploader projectId={projectId} onUploaded={refresh} />
          <MembersPanel projectId={projectId} />
        </section>
      )}

      <div className="mb-3 flex items-center justify-between text-sm text-slate-400">
        <span>{total} images</span>
        {pages > 1 && (
          <div className="flex items-center gap-2">
            <button
              disabled={page === 0}
              onClick={() => setPage((p) => p - 1)}
              className="rounded px-2 py-1 hover:bg-slate-800 disabled:opacity-40"
            >
              ‹ Prev
            </button>
            <span>
              {page + 1} / {pages}
            </span>
            <button
              disabled={page + 1 >= pages}
              onClick={() => setPage((p) => p + 1)}
              className="rounded px-2 py-1 hover:bg-slate-800 disabled:opacity-40"
            >
              Next ›
            </button>
          </div>
        )}
      </div>
      <ul
        className="grid grid-cols-2 gap-3 sm:grid-cols-4 lg:grid-cols-6 xl:grid-cols-8"
        data-testid="image-grid"
      >
        {images.data?.images.map((img) => (
          <li
            key={img.id}
            className="group overflow-hidden rounded-lg border border-slate-800 bg-slate-900"
          >
            <Link href={img.task ? `/projects/${projectId}/annotate?task=${img.task.id}` : '#'}>
              <img
                src={`/api/images/${img.id}/thumbnail`}
                alt={img.fileName}
                loading="lazy"
                className="aspect-square w-full bg-black object-contain"
              />
              <div className="space-y-1 p-2">
                <p className="truncate text-xs text-slate-300" title={img.fileName}>
                  {img.fileName}
                </p>
                <div className="flex items-center justify-between">
                  {img.task && <StatusBadge status={img.task.status} />}
                  <span className="text-[10px] text-slate-500">
                    {img.width}×{img.height}
                    {img.bitDepth === 16 ? ' · 16-bit' : ''}
                  </span>
                </div>
              </div>
            </Link>
          </li>
        ))}
      </ul>
    </main>
  );
}
