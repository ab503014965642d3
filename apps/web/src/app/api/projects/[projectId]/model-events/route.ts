/**
 * Server-Sent Events: the project's active model now ("model" event on connect) and after every
 * promotion, so open annotate pages hot-swap without a reload. Comment heartbeats keep proxies
 * from closing the stream. Every event is written by @loupe/contracts encodeModelEvent.
 */
import { encodeModelEvent } from '@loupe/contracts';
import { requireProjectRole } from '../../../../../server/auth/require-project-role';
import { databaseUrl, getDb } from '../../../../../server/db';
import { errorResponse } from '../../../../../server/errors/to-http';
import { getActiveModelRef } from '../../../../../server/services/models/get-active-model-ref';
import { onModelPromoted } from '../../../../../server/services/models/model-promotion-hub';
import { storableParams } from '../../../../../server/http/storable-params';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

const HEARTBEAT_MS = 15_000;

export async function GET(req: Request, { params }: { params: Promise<{ projectId: string }> }) {
  let projectId: string;
  try {
    projectId = (await storableParams(params)).projectId;
    await requireProjectRole(req, projectId, 'ANNOTATOR');
  } catch (error) {
    return errorResponse(error);
  }
  const encoder = new TextEncoder();
  let cleanup = () => {};
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      let closed = false;
      const send = (chunk: string) => {
        if (!closed) controller.enqueue(encoder.encode(chunk));
      };
      const sendActiveModel = async () => {
        const model = await getActiveModelRef(getDb(), projectId);
        if (model) send(encodeModelEvent({ event: 'model', model }));
      };
      const heartbeat = setInterval(() => send(`: heartbeat ${Date.now()}\n\n`), HEARTBEAT_MS);
      let unsubscribe = () => {};
      cleanup = () => {
        if (closed) return;
        closed = true;
        clearInterval(heartbeat);
        unsubscribe();
        try {
          controller.close();
        } catch {
          // already closed by the client going away
        }
      };
      req.signal.addEventListener('abort', cleanup);
      try {
        unsubscribe = await onModelPromoted(databaseUrl(), (event) => {
          if (event.projectId !== projectId) return;
          sendActiveModel().catch((error: unknown) =>
            send(encodeModelEvent({ event: 'problem', message: (error as Error).message })),
          );
        });
        send('retry: 3000\n\n');
        await sendActiveModel();
      } catch (error) {
        send(encodeModelEvent({ event: 'problem', message: (error as Error).message }));
        cleanup();
      }
    },
    cancel() {
      cleanup();
    },
  });
  return new Response(stream, {
    headers: {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    },
  });
}
