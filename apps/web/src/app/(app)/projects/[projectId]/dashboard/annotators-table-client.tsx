'use client';
/** Per annotator: masks, active seconds per mask, masks per hour, edit rate, proposal Dice, reviews. */
import { fmtDuration, fmtNumber, fmtPercent, type DashboardData } from './dashboard-format';

export function AnnotatorsTable({ data }: { data: DashboardData }) {
  if (data.annotators.length === 0)
    return <p className="text-sm text-slate-400">Nobody has accepted a mask yet.</p>;
  return (
    <div className="overflow-x-auto rounded-xl border border-slate-800">
      <table className="w-full text-left text-sm" data-testid="annotators">
        <thead className="bg-slate-900 text-xs text-slate-400">
          <tr>
            <th className="px-3 py-2 font-medium">annotator</th>
            <th className="px-3 py-2 text-right font-medium">masks</th>
            <th className="px-3 py-2 text-right font-medium">seconds / mask</th>
            <th className="px-3 py-2 text-right font-medium">masks / hour</th>
            <th className="px-3 py-2 text-right font-medium">prompts / mask</th>
            <th className="px-3 py-2 text-right font-medium">edit rate</th>
            <th className="px-3 py-2 text-right font-medium">proposal Dice</th>
            <th className="px-3 py-2 text-right font-medium">active time</th>
            <th className="px-3 py-2 font-medium">reviews</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-800">
          {data.annotators.map((a) => (
            <tr key={a.userId}>
              <td className="px-3 py-2 text-slate-200" title={a.email}>
                {a.name}
              </td>
              <td className="px-3 py-2 text-right text-slate-300">{a.masks}</td>
              <td className="px-3 py-2 text-right text-slate-300">{fmtNumber(a.secondsPerMask)}</td>
              <td className="px-3 py-2 text-right text-slate-300">
                {fmtNumber(a.masksPerAnnotatorHour)}
              </td>
              <td className="px-3 py-2 text-right text-slate-300">
                {fmtNumber(a.promptsPerMask, 2)}
              </td>
              <td className="px-3 py-2 text-right text-slate-300">{fmtPercent(a.editRate)}</td>
              <td className="px-3 py-2 text-right text-slate-300">
                {fmtNumber(a.meanProposalDice, 3)}
              </td>
              <td className="px-3 py-2 text-right text-slate-400">
                {fmtDuration(a.activeSeconds)}
              </td>
              <td className="px-3 py-2">
                {a.reviews === 0 ? (
                  <span className="text-xs text-slate-500">none yet</span>
                ) : (
                  <div className="flex items-center gap-2">
                    <div className="flex h-1.5 w-20 overflow-hidden rounded bg-slate-800">
                      <div
                        className="bg-emerald-500"
                        style={{ width: `${(100 * a.approved) / a.reviews}%` }}
                      />
                      <div
                        className="bg-rose-500"
                        style={{ width: `${(100 * a.sentBack) / a.reviews}%` }}
                      />
                    </div>
                    <span className="text-xs text-slate-400">
                      {a.approved} approved · {a.sentBack} sent back
                    </span>
                  </div>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
