'use client';
/**
 * The project admin dashboard: is the active-learning loop spending less annotator time per good
 * mask? Data comes from one admin-only tRPC query (aggregated in SQL) and refreshes every 15 s.
 */
import { useQuery } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { errorMessage } from '../../../../../components/toast';
import { useTRPC } from '../../../../../components/trpc';
import { AnnotatorsTable } from './annotators-table-client';
import { fmtNumber, fmtPercent, type DashboardData } from './dashboard-format';
import { EfficiencyCharts } from './efficiency-charts-client';
import { LabelMixPanel } from './label-mix-panel-client';
import { LearningCurve } from './learning-curve-client';
import { ProjectTagsForm } from './project-tags-form-client';
import { QueuePanel } from './queue-panel-client';
import { TrainingPanel } from './training-panel-client';

const CSV_TABLES = [
  ['efficiency-by-model-version', 'Efficiency by model version'],
  ['efficiency-by-label-count', 'Efficiency by accepted labels'],
  ['annotators', 'Annotators'],
  ['model-versions', 'Model versions (learning curve)'],
  ['pretrain-runs', 'MAE pretraining runs'],
  ['training-runs', 'Training runs'],
  ['queue', 'Queue counts'],
  ['lease-holders', 'Lease holders'],
  ['priority-queue', 'Priority queue'],
] as const;

const IDLE_CHOICES = [30, 60, 120, 300] as const;

function Section({
  title,
  subtitle,
  children,
  id,
}: {
  title: string;
  subtitle?: string;
  children: ReactNode;
  id: string;
}) {
  return (
    <section className="mt-8" aria-labelledby={id}>
      <h2 id={id} className="text-base font-semibold text-white">
        {title}
      </h2>
      {subtitle && <p className="mb-3 text-sm text-slate-400">{subtitle}</p>}
      {children}
    </section>
  );
}

function Stat({ label, value, sub }: { label: string; value: string; sub?: string }) {
  return (
    <div className="rounded-xl border border-slate-800 bg-slate-900/60 px-4 py-3">
      <div className="text-xs text-slate-400">{label}</div>
      <div className="mt-0.5 text-xl font-semibold text-white">{value}</div>
      {sub && <div className="text-[11px] text-slate-500">{sub}</div>}
    </div>
  );
}

function HelpText({ idleSeconds }: { idleSeconds: number }) {
  return (
    <div
      className="mt-3 rounded-xl border border-slate-800 bg-slate-900/60 p-4 text-sm text-slate-300"
      data-testid="dashboard-help"
    >
      <h3 className="mb-2 font-medium text-white">How these figures are measured</h3>
      <ul className="list-disc space-y-1 pl-5 text-slate-400">
        <li>
          <b className="text-slate-200">Active seconds</b>: a session is all interaction events of
          one annotator on one image (task), in client-time order. Its active time is the sum of the
          gaps between consecutive events, each gap capped at {idleSeconds} s; a gap that starts
          with an idle marker (IDLE_START) or with the image closed (IMAGE_CLOSED) counts zero. The
          session&apos;s time is shared equally by the masks that annotator accepted on that image.
          Time on images that ended without a mask (skipped, flagged) is not counted.
        </li>
        <li>
          <b className="text-slate-200">Prompts</b> are boxes and positive/negative clicks;{' '}
          <b className="text-slate-200">corrections</b> are brush and eraser strokes, per mask in
          the same way.
        </li>
        <li>
          <b className="text-slate-200">Accepted without edit</b>: the proposal was accepted as
          shown. <b className="text-slate-200">Dice / IoU</b> compare the last proposal shown with
          the accepted mask (masks drawn without a model proposal are left out).
        </li>
        <li>
          <b className="text-slate-200">Masks per annotator-hour</b> = masks ÷ (their active seconds
          ÷ 3600).
        </li>
        <li>
          Only interactively made masks count (imported ones do not), including masks later
          superseded after review.
          <b className="text-slate-200"> Accepted labels</b> numbers masks by acceptance time;
          dashed lines mark when each model version was promoted.
        </li>
        <li>
          <b className="text-slate-200">Learning curve</b>: validation Dice and NoC@90 (clicks
          needed to reach IoU 0.9) of each model version on the held-out images, against the labels
          it was trained on; violet lines mark MAE pretraining runs.
        </li>
      </ul>
    </div>
  );
}

function Overview({ data }: { data: DashboardData }) {
  const t = data.efficiency.total;
  const active = data.modelVersions.find((m) => m.isActive);
  const candidates = data.modelVersions.filter((m) => m.status === 'CANDIDATE').length;
  return (
    <div
      className="mt-6 grid grid-cols-2 gap-3 md:grid-cols-3 xl:grid-cols-6"
      data-testid="dashboard-overview"
    >
      <Stat
        label="accepted masks"
        value={fmtNumber(t.masks, 0)}
        sub={`${fmtNumber(t.activeSeconds / 3600)} active hours`}
      />
      <Stat label="seconds per mask" value={fmtNumber(t.secondsPerMask)} />
      <Stat label="masks per annotator-hour" value={fmtNumber(t.masksPerAnnotatorHour)} />
      <Stat label="accepted without edit" value={fmtPercent(t.acceptedWithoutEditShare)} />
      <Stat
        label="proposal Dice"
        value={fmtNumber(t.meanProposalDice, 3)}
        sub={`IoU ${fmtNumber(t.meanProposalIou, 3)}`}
      />
      <Stat
        label="active model"
        value={active ? `v${active.version}` : '—'}
        sub={`${candidates} candidate${candidates === 1 ? '' : 's'} waiting`}
      />
    </div>
  );
}

export function DashboardClient({
  projectId,
  projectName,
}: {
  projectId: string;
  projectName: string;
}) {
  const trpc = useTRPC();
  const [idleSeconds, setIdleSeconds] = useState<number>(60);
  const [showHelp, setShowHelp] = useState(false);
  const query = useQuery({
    ...trpc.dashboard.get.queryOptions({ projectId, idleSeconds }),
    refetchInterval: 15_000,
  });
  const data = query.data;

  return (
    <main className="mx-auto max-w-7xl p-6 pb-16" data-testid="dashboard">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="text-xl font-semibold text-white">Dashboard · {projectName}</h1>
          <p className="text-sm text-slate-400">
            Is the model saving annotator time? Label efficiency, learning curve, training and
            queue.
          </p>
        </div>
        <div className="flex flex-wrap items-center gap-3 text-sm">
          <label className="flex items-center gap-2 text-slate-400">
            idle cap
            <select
              value={idleSeconds}
              onChange={(e) => setIdleSeconds(Number(e.target.value))}
              className="rounded-md border border-slate-700 bg-slate-900 px-2 py-1 text-slate-200"
            >
              {IDLE_CHOICES.map((s) => (
                <option key={s} value={s}>
                  {s} s
                </option>
              ))}
            </select>
          </label>
          <details className="relative">
            <summary className="cursor-pointer list-none rounded-md border border-slate-700 px-3 py-1 text-slate-200 hover:bg-slate-800">
              Export CSV
            </summary>
            <ul className="absolute right-0 z-20 mt-1 w-64 rounded-lg border border-slate-700 bg-slate-900 p-1 shadow-xl">
              {CSV_TABLES.map(([table, label]) => (
                <li key={table}>
                  <a
                    href={`/api/projects/${projectId}/dashboard.csv?table=${table}&idleSeconds=${idleSeconds}`}
                    className="block rounded px-2 py-1 text-slate-300 hover:bg-slate-800 hover:text-white"
                    download
                  >
                    {label}
                  </a>
                </li>
              ))}
            </ul>
          </details>
          <button
            onClick={() => setShowHelp((v) => !v)}
            className="rounded-md border border-slate-700 px-3 py-1 text-slate-200 hover:bg-slate-800"
            aria-expanded={showHelp}
          >
            {showHelp ? 'Hide definitions' : 'How is this measured?'}
          </button>
        </div>
      </div>
      {showHelp && <HelpText idleSeconds={idleSeconds} />}

      {query.isLoading && <p className="mt-8 text-sm text-slate-500">Loading dashboard…</p>}
      {query.error && <p className="mt-8 text-sm text-rose-300">{errorMessage(query.error)}</p>}
      {data && (
        <>
          <Overview data={data} />
          <Section
            id="efficiency"
            title="Label efficiency"
            subtitle="Per accepted mask, by the model version that proposed it and as labels accumulate. Dashed lines: model promotions."
          >
            <EfficiencyCharts data={data} />
          </Section>
          <Section
            id="learning"
            title="Learning curve"
            subtitle="Validation Dice and NoC@90 of each model version against its training labels. Hollow dots: candidates not promoted; violet lines: MAE pretraining."
          >
            <div className="rounded-xl border border-slate-800 bg-slate-900/60 p-4">
              <LearningCurve data={data} />
            </div>
          </Section>
          <Section
            id="training"
            title="Training"
            subtitle="When the trainer trains, its runs, their loss curves and outcomes; promote a candidate or roll back."
          >
            <TrainingPanel projectId={projectId} data={data} />
          </Section>
          <Section
            id="label-mix"
            title="Label mix"
            subtitle="Human masks and the weak labels of tag and box-only mode, and what each training round trained on."
          >
            <LabelMixPanel data={data} />
            <div className="mt-4 max-w-md">
              <ProjectTagsForm projectId={projectId} />
            </div>
          </Section>
          <Section id="queue" title="Queue">
            <QueuePanel data={data} />
          </Section>
          <Section id="annotators" title="Annotators">
            <AnnotatorsTable data={data} />
          </Section>
        </>
      )}
    </main>
  );
}
