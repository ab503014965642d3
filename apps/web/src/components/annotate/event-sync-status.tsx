'use client';
/**
 * Toolbar chip: interaction events waiting for the server. Quiet while batches go out normally;
 * amber, with the reason and the retry countdown, when sending fails (nothing is lost meanwhile).
 */
import { useEffect, useState } from 'react';
import type { EventSyncStatus as Status } from './event-recorder';

export function EventSyncStatus({ status }: { status: Status }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!status.failing) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [status.failing]);
  if (status.pending === 0 && !status.failing) return null;
  const retryIn =
    status.retryAt !== null ? Math.max(0, Math.ceil((status.retryAt - now) / 1000)) : null;
  return (
    <span
      data-testid="event-sync"
      data-pending={status.pending}
      data-failing={status.failing}
      title={status.lastError ?? undefined}
      className={
        status.failing
          ? 'rounded-full border border-amber-500/60 bg-amber-500/10 px-2 py-0.5 text-xs text-amber-200'
          : 'rounded-full border border-slate-700 px-2 py-0.5 text-xs text-slate-400'
      }
    >
      {status.failing
        ? `${status.pending} events not sent yet, kept on this device; retrying${retryIn !== null ? ` in ${retryIn} s` : ''}`
        : `${status.pending} events pending`}
    </span>
  );
}
