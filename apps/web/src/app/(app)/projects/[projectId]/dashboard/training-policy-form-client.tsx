'use client';
/**
 * The project's training policy: when the trainer starts a round and how strict promotion is.
 * Only changed settings are sent; the server validates them again with the same schema.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { errorMessage, useToast } from '../../../../../components/toast';
import { useTRPC } from '../../../../../components/trpc';
import {
  TRAINING_POLICY_FIELDS,
  trainingPolicySchema,
  type TrainingPolicy,
  type TrainingPolicyField,
  type TrainingPolicyUpdate,
} from '../../../../../lib/training-policy';

const FIELDS = Object.entries(TRAINING_POLICY_FIELDS) as Array<
  [TrainingPolicyField, (typeof TRAINING_POLICY_FIELDS)[TrainingPolicyField]]
>;

type Draft = { autoTrain: boolean } & Record<TrainingPolicyField, string>;

function toDraft(policy: TrainingPolicy): Draft {
  return {
    autoTrain: policy.autoTrain,
    ...Object.fromEntries(FIELDS.map(([key]) => [key, String(policy[key])])),
  } as Draft;
}

/** The changed settings, or the first field's problem. */
function changes(
  draft: Draft,
  saved: TrainingPolicy,
): { update: TrainingPolicyUpdate } | { problem: string } {
  const candidate = {
    autoTrain: draft.autoTrain,
    ...Object.fromEntries(
      FIELDS.map(([key]) => [key, draft[key].trim() === '' ? Number.NaN : Number(draft[key])]),
    ),
  };
  const parsed = trainingPolicySchema.safeParse(candidate);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = issue?.path[0] as TrainingPolicyField | undefined;
    const field = key ? TRAINING_POLICY_FIELDS[key] : undefined;
    return {
      problem: field
        ? `${field.label}: between ${field.min} and ${field.max}${field.integer ? ', whole numbers' : ''}.`
        : (issue?.message ?? 'Invalid value.'),
    };
  }
  const update = Object.fromEntries(
    Object.entries(parsed.data).filter(
      ([key, value]) => saved[key as keyof TrainingPolicy] !== value,
    ),
  );
  return { update };
}

export function TrainingPolicyForm({ projectId }: { projectId: string }) {
  const trpc = useTRPC();
  const toast = useToast();
  const queryClient = useQueryClient();
  const query = useQuery(trpc.projects.trainingPolicy.queryOptions({ projectId }));
  const [draft, setDraft] = useState<Draft | null>(null);
  useEffect(() => {
    if (query.data && draft === null) setDraft(toDraft(query.data));
  }, [query.data, draft]);
  const save = useMutation(
    trpc.projects.updateTrainingPolicy.mutationOptions({
      onSuccess: (policy) => {
        queryClient.setQueryData(trpc.projects.trainingPolicy.queryKey({ projectId }), policy);
        setDraft(toDraft(policy));
        toast.success('Training policy saved; the trainer follows it from its next check.');
      },
      onError: (error) => toast.error(errorMessage(error)),
    }),
  );

  if (query.error)
    return (
      <p className="text-sm text-rose-300">
        Could not load the training policy: {query.error.message}
      </p>
    );
  if (!query.data || !draft)
    return <p className="text-sm text-slate-500">Loading the training policy…</p>;
  const result = changes(draft, query.data);
  const dirty = 'update' in result && Object.keys(result.update).length > 0;

  return (
    <form
      data-testid="training-policy"
      className="grid gap-3 rounded-xl border border-slate-800 bg-slate-900/60 p-4"
      onSubmit={(event) => {
        event.preventDefault();
        if ('update' in result && dirty) save.mutate({ projectId, policy: result.update });
      }}
    >
      <div className="flex items-center justify-between gap-2">
        <h3 className="text-sm font-medium text-slate-200">Training policy</h3>
        <label className="flex items-center gap-2 text-sm text-slate-300">
          <input
            type="checkbox"
            name="autoTrain"
            checked={draft.autoTrain}
            onChange={(event) => setDraft({ ...draft, autoTrain: event.target.checked })}
            className="accent-sky-500"
          />
          Train automatically
        </label>
      </div>
      <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
        {FIELDS.map(([key, field]) => (
          <label key={key} className="grid content-start gap-1 text-xs text-slate-400">
            <span className="text-slate-300">{field.label}</span>
            <input
              type="number"
              name={key}
              min={field.min}
              max={field.max}
              step={field.step}
              value={draft[key]}
              onChange={(event) => setDraft({ ...draft, [key]: event.target.value })}
              className="rounded-md border border-slate-700 bg-slate-950 px-2 py-1 text-sm text-slate-100"
            />
            <span>{field.help}</span>
          </label>
        ))}
      </div>
      <div className="flex items-center gap-3">
        <button
          type="submit"
          disabled={!dirty || save.isPending}
          className="rounded-md bg-sky-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-sky-500 disabled:opacity-50"
        >
          {save.isPending ? 'Saving…' : 'Save policy'}
        </button>
        {'problem' in result && <span className="text-xs text-rose-300">{result.problem}</span>}
        {dirty && <span className="text-xs text-slate-500">Unsaved changes</span>}
      </div>
    </form>
  );
}
