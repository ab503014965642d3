'use client';
/**
 * Label mix: human masks beside the fast modes' weak labels (boxes, tags) and the pseudo-masks made
 * from them, what a tagged or boxed image cost, and the mix each training round trained on.
 */
import { fmtDate, fmtNumber, type DashboardData } from './dashboard-format';

/** Why a round's boxes waited (or trained as boxes, not pseudo-masks), short enough for a table cell (the full reason is its title). */
function boxWaitReason(check: DashboardData['trainingRuns'][number]['pseudoBoxCheck']): string {
  if (!check) return 'box rule not checked';
  if (check.masks < check.minMasks)
    return `${check.masks} of ${check.minMasks} human masks to check on`;
  return `box Dice ${fmtNumber(check.dice, 2)} < ${fmtNumber(check.minDice, 2)} on ${check.masks} human masks`;
}

const images = (n: number) => `${n} image${n === 1 ? '' : 's'}`;

function Figure({ label, value, sub }: { label: string; value: string; sub?: string }) {
  return (
    <div>
      <div className="text-xs text-slate-400">{label}</div>
      <div className="text-lg font-semibold text-white">{value}</div>
      {sub && <div className="text-[11px] text-slate-500">{sub}</div>}
    </div>
  );
}

export function LabelMixPanel({ data }: { data: DashboardData }) {
  const mix = data.labelMix;
  const rounds = data.trainingRuns.filter((r) => r.kind === 'FINETUNE' && r.trainLabelCount > 0);
  return (
    <div className="grid gap-4 lg:grid-cols-3" data-testid="label-mix">
      <div className="rounded-xl border border-slate-800 bg-slate-900/60 p-4">
        <div className="grid grid-cols-2 gap-3">
          <Figure
            label="human masks"
            value={fmtNumber(mix.humanMasks, 0)}
            sub={images(mix.humanMaskImages)}
          />
          <Figure
            label="boxes (weak)"
            value={fmtNumber(mix.boxes, 0)}
            sub={`${images(mix.boxImages)} · median ${fmtNumber(mix.medianSecondsPerBoxedImage)} s each`}
          />
          <Figure
            label="tagged images"
            value={fmtNumber(mix.taggedImages, 0)}
            sub={`median ${fmtNumber(mix.medianSecondsPerTaggedImage)} s each`}
          />
          <Figure
            label="pseudo-masks"
            value={fmtNumber(
              mix.pseudoMasks.reduce((sum, p) => sum + p.count, 0),
              0,
            )}
            sub={
              mix.pseudoMasks.length
                ? mix.pseudoMasks
                    .map(
                      (p) =>
                        `${p.source.toLowerCase()} ${p.count} (conf. ${fmtNumber(p.meanConfidence, 2)})`,
                    )
                    .join(' · ')
                : 'none yet'
            }
          />
        </div>
        {mix.pseudoMaskDice.length > 0 && (
          <p className="mt-3 text-xs text-slate-300" data-testid="pseudo-mask-dice">
            Pseudo-mask Dice vs the later human mask:{' '}
            {mix.pseudoMaskDice
              .map((d) => `${d.source.toLowerCase()} ${fmtNumber(d.meanDice, 3)} (${d.compared})`)
              .join(' · ')}
          </p>
        )}
        {mix.tags.length > 0 && (
          <ul className="mt-3 flex flex-wrap gap-1.5 text-xs" data-testid="label-mix-tags">
            {mix.tags.map((t) => (
              <li key={t.tag} className="rounded bg-slate-800 px-2 py-0.5 text-slate-200">
                {t.tag} <span className="text-slate-400">{t.images}</span>
              </li>
            ))}
          </ul>
        )}
        <p className="mt-3 text-[11px] text-slate-500">
          Pseudo-masks train with their confidence as weight and never count as human masks; the
          promotion gate validates on human masks only. Boxes wait until the active model&apos;s
          masks from boxes are checked against held-out human masks.
        </p>
      </div>
      <div className="overflow-x-auto rounded-xl border border-slate-800 lg:col-span-2">
        <table className="w-full text-left text-sm" data-testid="label-mix-rounds">
          <thead className="bg-slate-900 text-xs text-slate-400">
            <tr>
              <th className="px-3 py-2 font-medium">round</th>
              <th className="px-3 py-2 font-medium">human masks</th>
              <th className="px-3 py-2 font-medium">from boxes</th>
              <th className="px-3 py-2 font-medium">from tags</th>
              <th className="px-3 py-2 font-medium">self-training</th>
              <th className="px-3 py-2 font-medium">result</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-800">
            {rounds.map((r) => (
              <tr key={r.id}>
                <td className="px-3 py-2 text-xs text-slate-300">{fmtDate(r.createdAt)}</td>
                <td className="px-3 py-2 text-slate-200">{r.humanMaskCount}</td>
                <td
                  className="px-3 py-2 text-slate-200"
                  title={r.pseudoBoxCheck?.reason}
                  data-testid="round-boxes"
                >
                  {r.pseudoBoxCount}
                  {r.pseudoBoxSupervised > 0 && (
                    <span
                      className="ml-1 text-xs text-sky-300"
                      data-testid="round-boxes-supervised"
                    >
                      ({r.pseudoBoxSupervised} as boxes: {boxWaitReason(r.pseudoBoxCheck)})
                    </span>
                  )}
                  {r.pseudoBoxWaiting > 0 && (
                    <span className="ml-1 text-xs text-amber-300">
                      ({r.pseudoBoxWaiting} waiting: {boxWaitReason(r.pseudoBoxCheck)})
                    </span>
                  )}
                </td>
                <td className="px-3 py-2 text-slate-200">{r.pseudoTagCount}</td>
                <td className="px-3 py-2 text-slate-200">{r.pseudoSelfTrainingCount}</td>
                <td className="px-3 py-2 text-xs text-slate-400">
                  {r.resultVersion
                    ? `v${r.resultVersion} ${r.resultStatus?.toLowerCase() ?? ''}`
                    : r.status.toLowerCase()}
                </td>
              </tr>
            ))}
            {rounds.length === 0 && (
              <tr>
                <td colSpan={6} className="px-3 py-4 text-center text-sm text-slate-500">
                  No fine-tuning round has trained yet.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
    </div>
  );
}
