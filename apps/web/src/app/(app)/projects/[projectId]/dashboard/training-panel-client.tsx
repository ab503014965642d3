'use client';
/**
 * Training: the project's training policy, start a round, the latest runs (status, progress, loss curve, duration, outcome) and
 * the model versions with promote / roll back. The server checks every action again.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Line, LineChart, YAxis } from 'recharts';
import { errorMessage, useToast } from '../../../../../components/toast';
import { useTRPC } from '../../../../../components/trpc';
import { COLORS, fmtDate, fmtDuration, fmtNumber, type DashboardData } from './dashboard-format';
import { TrainingPolicyForm } from './training-policy-form-client';

const RUN_STATUS_STYLE: Record<string, string> = {
  QUEUED: 'bg-slate-700 text-slate-200',
  RUNNING: 'bg-sky-900 text-sky-200',
  SUCCEEDED: 'bg-emerald-900 text-emerald-200',
  FAILED: 'bg-rose-900 text-rose-200',
  CANCELLED: 'bg-slate-800 text-slate-400',
};

const MODEL_STATUS_STYLE: Record<string, string> = {
  ACTIVE: 'bg-amber-900 text-amber-200',
  CANDIDATE: 'bg-sky-900 text-sky-200',
  RETIRED: 'bg-slate-800 text-slate-300',
  TRAINING: 'bg-slate-700 text-slate-200',
  FAILED: 'bg-rose-900 text-rose-200',
};

function Badge({ text, styles }: { text: string; styles: Record<string, string> }) {
  return (
    <span
      className={`rounded px-1.5 py-0.5 text-[11px] font-medium ${styles[text] ?? 'bg-slate-800'}`}
    >
      {text.toLowerCase()}
    </span>
  );
}

function LossSparkline({ loss }: { loss: { step: number; loss: number }[] }) {
  if (loss.length < 2) return <span className="text-xs text-slate-500">—</span>;
  return (
    <LineChart
      width={140}
      height={36}
      data={loss}
      margin={{ top: 2, right: 2, bottom: 2, left: 2 }}
    >
      <YAxis hide domain={['dataMin', 'dataMax']} />
      <Line
        type="monotone"
        dataKey="loss"
        stroke={COLORS.sky}
        strokeWidth={1.5}
        dot={false}
        isAnimationActive={false}
      />
    </LineChart>
  );
}

export function TrainingPanel({ projectId, data }: { projectId: string; data: DashboardData }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const [confirming, setConfirming] = useState<string | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.dashboard.get.pathKey() });
  const onError = (error: unknown) => toast.error(errorMessage(error));
  const startRound = useMutation(
    trpc.dashboard.startRound.mutationOptions({
      onSuccess: (_, input) => {
        toast.success(
          input.kind === 'pretrain' ? 'MAE pretraining queued.' : 'Fine-tuning round queued.',
        );
        void refresh();
      },
      onError,
    }),
  );
  const promote = useMutation(
    trpc.dashboard.promoteCandidate.mutationOptions({
      onSuccess: (r) => {
        toast.success(`Model v${r.version} is now active.`);
        setConfirming(null);
        void refresh();
      },
      onError,
    }),
  );
  const rollback = useMutation(
    trpc.dashboard.rollback.mutationOptions({
      onSuccess: (r) => {
        toast.success(`Rolled back: model v${r.version} is active again.`);
        setConfirming(null);
        void refresh();
      },
      onError,
    }),
  );
  const busy = startRound.isPending || promote.isPending || rollback.isPending;

  return (
    <div className="grid gap-4">
      <TrainingPolicyForm projectId={projectId} />
      <div className="flex flex-wrap items-center gap-2">
        <button
          disabled={busy}
          onClick={() => startRound.mutate({ projectId, kind: 'finetune' })}
          className="rounded-md bg-sky-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-sky-500 disabled:opacity-50"
        >
          Start fine-tuning round
        </button>
        <button
          disabled={busy}
          onClick={() => startRound.mutate({ projectId, kind: 'pretrain' })}
          className="rounded-md border border-violet-700 px-3 py-1.5 text-sm text-violet-200 hover:bg-violet-950 disabled:opacity-50"
        >
          Start MAE pretraining
        </button>
        <span className="text-xs text-slate-500">
          The trainer picks the job up; progress appears below.
        </span>
      </div>

      <div className="overflow-x-auto rounded-xl border border-slate-800">
        <table className="w-full text-left text-sm" data-testid="training-runs">
          <thead className="bg-slate-900 text-xs text-slate-400">
            <tr>
              <th className="px-3 py-2 font-medium">run</th>
              <th className="px-3 py-2 font-medium">status</th>
              <th className="px-3 py-2 font-medium">progress</th>
              <th className="px-3 py-2 font-medium">loss</th>
              <th className="px-3 py-2 font-medium">labels</th>
              <th className="px-3 py-2 font-medium">duration</th>
              <th className="px-3 py-2 font-medium">result</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-800">
            {data.trainingRuns.map((run) => (
              <tr key={run.id} className="align-middle">
                <td className="px-3 py-2">
                  <div
                    className={run.kind === 'MAE_PRETRAIN' ? 'text-violet-300' : 'text-slate-200'}
                  >
                    {run.kind === 'MAE_PRETRAIN' ? 'MAE pretraining' : 'fine-tune'}
                    {run.baseVersion !== null && (
                      <span className="text-slate-500"> from v{run.baseVersion}</span>
                    )}
                  </div>
                  <div className="text-xs text-slate-500">
                    {fmtDate(run.createdAt)} · {run.trigger}
                    {run.requestedByName ? ` by ${run.requestedByName}` : ''}
                  </div>
                </td>
                <td className="px-3 py-2">
                  <Badge text={run.status} styles={RUN_STATUS_STYLE} />
                </td>
                <td className="px-3 py-2">
                  <div className="h-1.5 w-28 overflow-hidden rounded bg-slate-800">
                    <div
                      className="h-full bg-sky-500"
                      style={{
                        width: `${Math.round(Math.min(1, Math.max(0, run.progress)) * 100)}%`,
                      }}
                    />
                  </div>
                  <div className="mt-1 text-xs text-slate-500">
                    {Math.round(run.progress * 100)}% · epoch {run.epoch}/{run.totalEpochs}
                    {run.status === 'RUNNING' && run.etaSeconds !== null
                      ? ` · ${fmtDuration(run.etaSeconds)} left`
                      : ''}
                  </div>
                </td>
                <td className="px-3 py-2">
                  <LossSparkline loss={run.loss} />
                  {run.loss.length > 0 && (
                    <div className="text-xs text-slate-500">
                      last {fmtNumber(run.loss.at(-1)?.loss, 3)}
                    </div>
                  )}
                </td>
                <td className="px-3 py-2 text-xs text-slate-300">
                  {run.kind === 'MAE_PRETRAIN'
                    ? `${run.imageCount} images`
                    : `${run.trainLabelCount} train / ${run.valLabelCount} val`}
                </td>
                <td className="px-3 py-2 text-xs text-slate-300">
                  {fmtDuration(run.durationSeconds)}
                </td>
                <td className="max-w-xs px-3 py-2 text-xs">
                  {run.resultVersion !== null && (
                    <div className="flex items-center gap-1.5">
                      <span className="text-slate-200">v{run.resultVersion}</span>
                      {run.resultStatus && (
                        <Badge text={run.resultStatus} styles={MODEL_STATUS_STYLE} />
                      )}
                      <span className="text-slate-500">
                        Dice {fmtNumber(run.resultValDice, 3)} · NoC@90{' '}
                        {fmtNumber(run.resultValNoc90, 1)}
                      </span>
                    </div>
                  )}
                  {run.resultStatusReason && (
                    <div className="mt-0.5 text-amber-300">
                      not promoted: {run.resultStatusReason}
                    </div>
                  )}
                  {run.error && <div className="mt-0.5 text-rose-300">{run.error}</div>}
                </td>
              </tr>
            ))}
            {data.trainingRuns.length === 0 && (
              <tr>
                <td colSpan={7} className="px-3 py-4 text-center text-sm text-slate-500">
                  No training runs yet.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>

      <div className="overflow-x-auto rounded-xl border border-slate-800">
        <table className="w-full text-left text-sm" data-testid="model-versions">
          <thead className="bg-slate-900 text-xs text-slate-400">
            <tr>
              <th className="px-3 py-2 font-medium">model</th>
              <th className="px-3 py-2 font-medium">status</th>
              <th className="px-3 py-2 font-medium">val Dice</th>
              <th className="px-3 py-2 font-medium">NoC@90</th>
              <th className="px-3 py-2 font-medium">train labels</th>
              <th className="px-3 py-2 font-medium">promoted</th>
              <th className="px-3 py-2 font-medium" />
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-800">
            {[...data.modelVersions].reverse().map((m) => {
              const canPromote = m.status === 'CANDIDATE';
              const canRollBack = m.status === 'RETIRED' && m.promotedAt !== null;
              const key = `${m.id}:${canPromote ? 'promote' : 'rollback'}`;
              return (
                <tr key={m.id}>
                  <td className="px-3 py-2 text-slate-200">
                    v{m.version}
                    {m.parentVersion !== null && (
                      <span className="text-xs text-slate-500"> ← v{m.parentVersion}</span>
                    )}
                    {m.statusReason && (
                      <div className="text-xs text-amber-300">{m.statusReason}</div>
                    )}
                  </td>
                  <td className="px-3 py-2">
                    <Badge text={m.status} styles={MODEL_STATUS_STYLE} />
                  </td>
                  <td className="px-3 py-2 text-slate-300">{fmtNumber(m.valDice, 3)}</td>
                  <td className="px-3 py-2 text-slate-300">{fmtNumber(m.valNoc90, 2)}</td>
                  <td className="px-3 py-2 text-slate-300">{m.trainLabelCount}</td>
                  <td className="px-3 py-2 text-xs text-slate-400">{fmtDate(m.promotedAt)}</td>
                  <td className="px-3 py-2 text-right">
                    {(canPromote || canRollBack) &&
                      (confirming === key ? (
                        <span className="inline-flex items-center gap-2 text-xs">
                          <span className="text-slate-400">
                            {canPromote
                              ? `Serve v${m.version} to everyone?`
                              : `Roll back to v${m.version}?`}
                          </span>
                          <button
                            disabled={busy}
                            onClick={() =>
                              canPromote
                                ? promote.mutate({ projectId, modelVersionId: m.id })
                                : rollback.mutate({ projectId, version: m.version })
                            }
                            className="rounded bg-amber-600 px-2 py-1 font-medium text-white hover:bg-amber-500 disabled:opacity-50"
                          >
                            Confirm
                          </button>
                          <button
                            onClick={() => setConfirming(null)}
                            className="rounded px-2 py-1 text-slate-400 hover:text-white"
                          >
                            Cancel
                          </button>
                        </span>
                      ) : (
                        <button
                          onClick={() => setConfirming(key)}
                          className="rounded-md border border-slate-700 px-2 py-1 text-xs text-slate-200 hover:bg-slate-800"
                        >
                          {canPromote ? 'Promote' : 'Roll back'}
                        </button>
                      ))}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </div>
  );
}
