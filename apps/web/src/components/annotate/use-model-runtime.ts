'use client';
/**
 * Owns the inference worker for the annotate page: starts it, loads the project's active model,
 * and follows promotions pushed over SSE (`/api/projects/[id]/model-events`), hot-swapping in the
 * worker. Exposes the model state for the badge and test hooks.
 */
import { decodeModelEvent, MODEL_EVENT_NAMES, type ModelEvent } from '@loupe/contracts';
import { useEffect, useRef, useState } from 'react';
import { InferenceClient } from './inference-client';
import { publishModelState, publishSwap } from './loupe-test-hooks';

export interface ModelRuntimeState {
  backend: 'webgpu' | 'wasm' | null;
  threads: number | null;
  crossOriginIsolated: boolean | null;
  current: { modelVersionId: string; version: number; manifestVersion: string } | null;
  loading: { modelVersionId: string; version: number } | null;
  /** Why the last model could not be loaded (the current one stays in use). */
  failure: string | null;
  /** SSE connection state. */
  live: boolean;
}

export function useModelRuntime(
  projectId: string,
  onSwap: (from: number | null, to: number) => void,
  onFailure: (message: string) => void,
) {
  const clientRef = useRef<InferenceClient | null>(null);
  const [state, setState] = useState<ModelRuntimeState>({
    backend: null,
    threads: null,
    crossOriginIsolated: null,
    current: null,
    loading: null,
    failure: null,
    live: false,
  });
  const callbacks = useRef({ onSwap, onFailure });
  callbacks.current = { onSwap, onFailure };

  useEffect(() => {
    const client = new InferenceClient();
    clientRef.current = client;
    // The newest model the server announced; the worker ignores older loads finishing late.
    let wanted: string | null = null;
    let loaded: string | null = null;
    const unsubscribe = client.onModelEvent((event) => {
      if (event.type === 'ready') {
        publishModelState({ backend: event.backend, threads: event.threads });
        setState((s) => ({
          ...s,
          backend: event.backend,
          threads: event.threads,
          crossOriginIsolated: event.crossOriginIsolated,
        }));
      } else if (event.type === 'modelLoading') {
        publishModelState({ modelStatus: `loading v${event.model.version}` });
        setState((s) => ({
          ...s,
          loading: { modelVersionId: event.model.modelVersionId, version: event.model.version },
        }));
      } else if (event.type === 'modelReady') {
        loaded = event.model.modelVersionId;
        publishModelState({
          modelVersionId: event.model.modelVersionId,
          modelVersion: event.model.version,
          modelStatus: 'ready',
        });
        publishSwap(event.previousVersion, event.model.version);
        setState((s) => ({
          ...s,
          current: {
            modelVersionId: event.model.modelVersionId,
            version: event.model.version,
            manifestVersion: event.manifestVersion,
          },
          loading: null,
          failure: null,
        }));
        callbacks.current.onSwap(event.previousVersion, event.model.version);
      } else if (event.type === 'modelFailed') {
        publishModelState({ modelStatus: `failed: ${event.error}` });
        if (event.model.modelVersionId === wanted) wanted = loaded;
        const message =
          event.keptVersion !== null
            ? `Model v${event.model.version} could not be loaded (${event.error}); still using v${event.keptVersion}.`
            : `The model could not be loaded: ${event.error}`;
        setState((s) => ({ ...s, loading: null, failure: message }));
        callbacks.current.onFailure(message);
      }
    });
    client.init(true);

    const source = new EventSource(`/api/projects/${projectId}/model-events`);
    source.addEventListener('open', () => setState((s) => ({ ...s, live: true })));
    source.addEventListener('error', () => setState((s) => ({ ...s, live: false })));
    const onStreamEvent = (event: ModelEvent) => {
      if (event.event === 'problem') {
        callbacks.current.onFailure(`Live model updates unavailable: ${event.message}`);
        return;
      }
      if (event.model.modelVersionId === wanted) return;
      wanted = event.model.modelVersionId;
      client.loadModel(event.model);
    };
    for (const name of MODEL_EVENT_NAMES)
      source.addEventListener(name, (message) => {
        let event: ModelEvent;
        try {
          event = decodeModelEvent(name, (message as MessageEvent<string>).data);
        } catch (error) {
          callbacks.current.onFailure(`Live model updates: ${(error as Error).message}`);
          return;
        }
        onStreamEvent(event);
      });
    return () => {
      source.close();
      unsubscribe();
      client.terminate();
      clientRef.current = null;
    };
  }, [projectId]);

  return { clientRef, state };
}
