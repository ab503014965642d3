'use client';
/** Queue: labeled / in progress / weakly labeled / unlabeled, who holds leases, and the next images to be served. */
import { fmtDate, fmtNumber, type DashboardData } from './dashboard-format';

const BUCKETS = [
  { key: 'labeled', label: 'labeled', color: 'bg-emerald-500', hint: 'submitted or approved' },
  { key: 'inProgress', label: 'in progress', color: 'bg-sky-500', hint: 'leased or sent back' },
  {
    key: 'weaklyLabeled',
    label: 'weak labels only',
    color: 'bg-violet-500',
    hint: 'tagged or boxed, no mask',
  },
  { key: 'unlabeled', label: 'unlabeled', color: 'bg-slate-500', hint: 'waiting in the queue' },
  { key: 'skippedOrFlagged', label: 'skipped / flagged', color: 'bg-amber-500', hint: 'set aside' },
] as const;

export function QueuePanel({ data }: { data: DashboardData }) {
  const { queue } = data;
  return (
    <div className="grid gap-4 lg:grid-cols-3">
      <div
        className="rounded-xl border border-slate-800 bg-slate-900/60 p-4 lg:col-span-1"
        data-testid="queue-counts"
      >
        <div className="mb-3 flex h-2.5 overflow-hidden rounded bg-slate-800">
          {BUCKETS.map((b) => (
            <div
              key={b.key}
              className={b.color}
              style={{ width: `${queue.total ? (100 * queue[b.key]) / queue.total : 0}%` }}
            />
          ))}
        </div>
        <dl className="grid grid-cols-2 gap-3">
          {BUCKETS.map((b) => (
            <div key={b.key}>
              <dt className="flex items-center gap-1.5 text-xs text-slate-400">
                <span className={`h-2 w-2 rounded-full ${b.color}`} />
                {b.label}
              </dt>
              <dd className="text-lg font-semibold text-white">{fmtNumber(queue[b.key], 0)}</dd>
              <dd className="text-[11px] text-slate-500">{b.hint}</dd>
            </div>
          ))}
        </dl>
        <h4 className="mt-4 mb-1 text-xs font-medium text-slate-400">
          Lease holders ({queue.liveLeases} live leases)
        </h4>
        {data.leaseHolders.length === 0 ? (
          <p className="text-xs text-slate-500">Nobody holds a task right now.</p>
        ) : (
          <ul className="divide-y divide-slate-800 text-sm">
            {data.leaseHolders.map((h) => (
              <li key={h.userId} className="flex justify-between py-1.5">
                <span className="text-slate-200" title={h.email}>
                  {h.name}
                </span>
                <span className="text-xs text-slate-400">
                  {h.tasks} task{h.tasks === 1 ? '' : 's'} · until {fmtDate(h.lastExpiresAt)}
                </span>
              </li>
            ))}
          </ul>
        )}
      </div>
      <div
        className="rounded-xl border border-slate-800 bg-slate-900/60 p-4 lg:col-span-2"
        data-testid="priority-queue"
      >
        <h4 className="mb-2 text-xs font-medium text-slate-400">
          Top of the priority queue (served next, most informative first)
        </h4>
        {data.priorityQueue.length === 0 ? (
          <p className="text-xs text-slate-500">The queue is empty.</p>
        ) : (
          <ol className="grid grid-cols-3 gap-3 sm:grid-cols-4 xl:grid-cols-6">
            {data.priorityQueue.map((item, i) => (
              <li
                key={item.taskId}
                className="overflow-hidden rounded-lg border border-slate-800 bg-slate-950"
              >
                <div className="relative aspect-square bg-slate-900">
                  <img
                    src={`/api/images/${item.imageId}/thumbnail`}
                    alt={item.fileName}
                    className="h-full w-full object-cover"
                  />
                  <span className="absolute top-1 left-1 rounded bg-slate-950/80 px-1 text-[10px] text-slate-300">
                    #{i + 1}
                  </span>
                </div>
                <div className="px-1.5 py-1">
                  <div className="truncate text-[11px] text-slate-300" title={item.fileName}>
                    {item.fileName}
                  </div>
                  <div className="text-[11px] text-slate-500">
                    priority {fmtNumber(item.priority, 3)}
                  </div>
                </div>
              </li>
            ))}
          </ol>
        )}
      </div>
    </div>
  );
}
