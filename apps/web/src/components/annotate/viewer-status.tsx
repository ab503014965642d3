'use client';
/** Chips over the viewer: what the page still waits for (model, image) and what it is busy with. */
export function ViewerStatus(props: {
  hasImage: boolean;
  modelReady: boolean;
  imageReady: boolean;
  busy: string | null;
}) {
  const waitingFor = !props.hasImage
    ? null
    : !props.modelReady
      ? 'Loading model…'
      : !props.imageReady
        ? 'Preparing image…'
        : null;
  return (
    <>
      {waitingFor && (
        <div className="pointer-events-none absolute top-3 left-1/2 -translate-x-1/2 rounded-full bg-slate-900/90 px-3 py-1 text-xs text-slate-300">
          {waitingFor}
        </div>
      )}
      {props.busy && (
        <div className="pointer-events-none absolute top-3 right-3 rounded-full bg-slate-900/90 px-3 py-1 text-xs text-sky-200">
          {props.busy}
        </div>
      )}
    </>
  );
}
