'use client';
/** The queue has nothing for this annotator now. */
export function QueueEmpty({ onCheckAgain }: { onCheckAgain: () => void }) {
  return (
    <div className="flex h-full flex-col items-center justify-center gap-3 text-center">
      <p className="text-lg text-white">Nothing left to annotate</p>
      <p className="text-sm text-slate-400">
        Every image is labeled, under review, or being annotated by someone else.
      </p>
      <button
        onClick={onCheckAgain}
        className="mt-2 rounded-md border border-slate-700 px-3 py-1.5 text-sm hover:bg-slate-800"
      >
        Check again
      </button>
    </div>
  );
}
