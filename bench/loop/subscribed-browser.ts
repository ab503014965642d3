/**
 * The annotate page's model handling, in Node, over HTTP: subscribed to the project's
 * model-events stream (Server-Sent Events, what the page's EventSource reads), it downloads every
 * announced version with the browser worker's own loader (libs/model loadModelFiles: manifest
 * sha256 against the registry, ONNX files against the manifest) and swaps its predictor: the
 * worker's SamPredictor, on onnxruntime-node over the same ONNX files the page runs with
 * onnxruntime-web.
 */
import { decodeModelEvent, isModelEventName, type ModelRef } from '@loupe/contracts';
import { loadModelFiles, type SamPredictor } from '@loupe/model';
import { createNodePredictor } from '@loupe/model/node';
import { waitUntil } from '../lib/wait-until';
import type { TrpcSession } from '../speed/trpc-http';

export interface ServedModel {
  ref: ModelRef;
  predictor: SamPredictor;
}

/** Splits a text/event-stream into its events (name + joined data lines). */
export async function* readServerSentEvents(
  body: ReadableStream<Uint8Array>,
): AsyncGenerator<{ event: string; data: string }> {
  const decoder = new TextDecoder();
  let buffer = '';
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true }).replace(/\r\n/g, '\n');
    for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) event = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
      }
      if (data.length > 0) yield { event, data: data.join('\n') };
    }
  }
}

export class SubscribedBrowser {
  private current: ServedModel | null = null;
  private readonly swaps: Array<{ modelVersionId: string; at: number }> = [];
  private loading: Promise<void> = Promise.resolve();
  private readonly stream = new AbortController();
  private reading: Promise<void> = Promise.resolve();
  private problem: Error | null = null;

  constructor(
    private readonly session: TrpcSession,
    private readonly projectId: string,
  ) {}

  /** Opens the stream; resolves once the model it announces on connect is loaded. */
  async open(timeoutMs = 120_000): Promise<ServedModel> {
    const response = await this.session.get(`/api/projects/${this.projectId}/model-events`, {
      signal: this.stream.signal,
    });
    if (!response.ok || !response.body)
      throw new Error(
        `model-events: HTTP ${response.status} ${(await response.text()).slice(0, 300)}`,
      );
    this.reading = this.read(response.body).catch((error: unknown) => {
      if (!this.stream.signal.aborted)
        this.problem = error instanceof Error ? error : new Error(String(error));
    });
    return waitUntil('the model announced on connect', () => this.served(), timeoutMs);
  }

  private async read(body: ReadableStream<Uint8Array>): Promise<void> {
    for await (const { event, data } of readServerSentEvents(body)) {
      if (!isModelEventName(event)) continue;
      const decoded = decodeModelEvent(event, data);
      if (decoded.event === 'problem') {
        this.problem = new Error(`model-events: ${decoded.message}`);
        continue;
      }
      const ref = decoded.model;
      if (ref.modelVersionId === this.current?.ref.modelVersionId) continue;
      this.loading = this.loading
        .then(() => this.load(ref))
        .catch((error: unknown) => {
          this.problem = error instanceof Error ? error : new Error(String(error));
        });
    }
    if (!this.stream.signal.aborted)
      this.problem = new Error('model-events: the server closed the stream');
  }

  private async load(ref: ModelRef): Promise<void> {
    const files = await loadModelFiles(ref, (url) => this.session.get(url));
    const predictor = await createNodePredictor(files);
    const previous = this.current;
    this.current = { ref, predictor };
    this.swaps.push({ modelVersionId: ref.modelVersionId, at: performance.now() });
    await previous?.predictor.release();
  }

  /** The model proposals come from now; throws what broke the subscription, if anything did. */
  served(): ServedModel | null {
    if (this.problem) throw this.problem;
    return this.current;
  }

  /** performance.now() when the version was loaded, or null. */
  swappedTo(modelVersionId: string): number | null {
    if (this.problem) throw this.problem;
    return this.swaps.find((s) => s.modelVersionId === modelVersionId)?.at ?? null;
  }

  async settle(): Promise<void> {
    await this.loading;
  }

  async close(): Promise<void> {
    this.stream.abort();
    await this.reading;
    await this.loading;
    await this.current?.predictor.release();
  }
}
