const STATUS_STYLES: Record<string, string> = {
  UNLABELED: 'bg-slate-800 text-slate-300',
  IN_PROGRESS: 'bg-amber-900/60 text-amber-200',
  SUBMITTED: 'bg-sky-900/60 text-sky-200',
  APPROVED: 'bg-emerald-900/60 text-emerald-200',
  SENT_BACK: 'bg-rose-900/60 text-rose-200',
  SKIPPED: 'bg-slate-700 text-slate-300',
  FLAGGED: 'bg-orange-900/60 text-orange-200',
  WEAK_LABELED: 'bg-violet-900/60 text-violet-200',
};

export function StatusBadge({ status }: { status: string }) {
  return (
    <span
      className={`rounded px-1.5 py-0.5 text-[10px] font-medium tracking-wide uppercase ${STATUS_STYLES[status] ?? 'bg-slate-800'}`}
    >
      {status.replaceAll('_', ' ').toLowerCase()}
    </span>
  );
}
