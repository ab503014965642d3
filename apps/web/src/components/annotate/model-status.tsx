'use client';
/** The last proposal's latency and the model badge (version, backend, loading, failures). */
import type { ModelRuntimeState } from './use-model-runtime';
import type { ProposalLatency } from './use-predictions';

export function ModelStatus({
  runtime,
  latency,
}: {
  runtime: ModelRuntimeState;
  latency: ProposalLatency | null;
}) {
  const { current, loading, failure, backend } = runtime;
  const label = current
    ? `v${current.version}`
    : loading
      ? `loading v${loading.version}…`
      : 'loading…';
  return (
    <>
      {latency && (
        <span
          className="font-mono text-slate-400"
          data-testid="latency"
          title="Time from your action to the mask on screen (encoder / decoder inside the worker)"
        >
          {latency.kind} {Math.round(latency.proposalMs)} ms
          <span className="text-slate-600">
            {' '}
            (enc {Math.round(latency.encoderMs)} · dec {Math.round(latency.decoderMs)})
          </span>
        </span>
      )}
      <span
        data-testid="model-badge"
        data-model-version={current?.version ?? ''}
        title={
          failure ??
          `${backend ?? '…'} backend, ${runtime.threads ?? '?'} thread(s)${runtime.live ? ', live updates on' : ''}`
        }
        className={`flex items-center gap-1.5 rounded-full border px-2.5 py-0.5 ${
          failure ? 'border-amber-500/60 text-amber-200' : 'border-slate-700 text-slate-200'
        }`}
      >
        <span
          className={`h-1.5 w-1.5 rounded-full ${loading ? 'animate-pulse bg-amber-400' : current ? 'bg-emerald-400' : 'bg-slate-500'}`}
        />
        model {label}
        {loading && current && <span className="text-amber-300">→ v{loading.version}</span>}
        <span className="text-slate-500">· {backend ?? '…'}</span>
      </span>
    </>
  );
}
