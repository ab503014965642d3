'use client';
/**
 * The project's own image tags for tag mode (besides the built-in lesion present / absent): one
 * per line, checked with the same schema the server uses, saved with projects.updateTags.
 */
import { PRESENCE_TAGS, projectTagListSchema } from '@loupe/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { errorMessage, useToast } from '../../../../../components/toast';
import { useTRPC } from '../../../../../components/trpc';

export function ProjectTagsForm({ projectId }: { projectId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const project = useQuery(trpc.projects.get.queryOptions({ projectId }));
  const [draft, setDraft] = useState<string | null>(null);
  useEffect(() => {
    if (project.data && draft === null) setDraft(project.data.tagVocabulary.join('\n'));
  }, [project.data, draft]);
  const save = useMutation(
    trpc.projects.updateTags.mutationOptions({
      onSuccess: async (result) => {
        setDraft(result.vocabulary.join('\n'));
        await queryClient.invalidateQueries(trpc.projects.get.queryFilter({ projectId }));
        toast.success('Tags saved.');
      },
      onError: (error) => toast.error(errorMessage(error)),
    }),
  );
  const tags = (draft ?? '')
    .split('\n')
    .map((t) => t.trim())
    .filter(Boolean);
  const parsed = projectTagListSchema.safeParse(tags);
  const problem = parsed.success ? null : parsed.error.issues[0]?.message;
  return (
    <div
      className="rounded-xl border border-slate-800 bg-slate-900/60 p-4 text-sm"
      data-testid="project-tags-form"
    >
      <h3 className="font-medium text-white">Image tags</h3>
      <p className="mb-2 text-xs text-slate-400">
        Tag mode always offers {PRESENCE_TAGS.join(' / ')} (keys 1, 2); add this project&apos;s own
        tags below, one per line (keys 3 to 9 in this order).
      </p>
      <textarea
        aria-label="Project tags, one per line"
        value={draft ?? ''}
        onChange={(e) => setDraft(e.target.value)}
        rows={5}
        className="w-full rounded-md border border-slate-700 bg-slate-950 px-2 py-1 font-mono text-xs text-slate-200"
      />
      <div className="mt-2 flex items-center justify-between gap-2">
        <span className="text-xs text-rose-300">{problem ?? ''}</span>
        <button
          data-testid="save-project-tags"
          disabled={!!problem || save.isPending || draft === null}
          onClick={() => save.mutate({ projectId, tags })}
          className="rounded-md bg-sky-600 px-3 py-1 text-xs font-medium text-white hover:bg-sky-500 disabled:opacity-40"
        >
          Save tags
        </button>
      </div>
    </div>
  );
}
