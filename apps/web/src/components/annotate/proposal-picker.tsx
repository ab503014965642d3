'use client';
/** The model's outputs for the active object (single-mask and multimask), with their IoU. */
import type { ProposalSet } from './annotation-state';

export function ProposalPicker({
  proposal,
  chosen,
  onChoose,
}: {
  proposal: ProposalSet;
  chosen: number;
  onChoose: (index: number) => void;
}) {
  return (
    <section>
      <h2 className="mb-2 text-xs font-semibold tracking-wide text-slate-400 uppercase">
        Model proposals
      </h2>
      <div className="grid grid-cols-4 gap-1">
        {proposal.masks.map((_, index) => (
          <button
            key={index}
            data-testid={`multimask-${index + 1}`}
            onClick={() => onChoose(index)}
            className={`rounded-md border px-1 py-1.5 text-center text-xs ${
              chosen === index
                ? 'border-sky-500 bg-sky-950 text-sky-100'
                : 'border-slate-700 text-slate-300 hover:bg-slate-800'
            }`}
            title={`Output ${index + 1}${index === 0 ? ' (single-mask)' : ''} — key ${index + 1}`}
          >
            <div className="font-medium">{index + 1}</div>
            <div className="text-[10px] text-slate-400">
              IoU {(proposal.iouPredictions[index] ?? 0).toFixed(2)}
            </div>
          </button>
        ))}
      </div>
      <p className="mt-1 text-[11px] text-slate-500">from model v{proposal.version}</p>
    </section>
  );
}
