'use client';
/** Shown when the lease could not be renewed: saves are refused until the task is reopened. */
export function LeaseLostBanner({ onReopen }: { onReopen: () => void }) {
  return (
    <div className="bg-amber-900/70 px-4 py-1.5 text-xs text-amber-100">
      Your lease on this image lapsed; saves will be refused until you reopen it.{' '}
      <button className="underline" onClick={onReopen}>
        Reopen
      </button>
    </div>
  );
}
