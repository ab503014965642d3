import { describe, expect, it } from 'vitest';
import { readServerSentEvents } from './subscribed-browser';

function streamOf(chunks: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
}

async function collect(chunks: string[]) {
  const events: Array<{ event: string; data: string }> = [];
  for await (const event of readServerSentEvents(streamOf(chunks))) events.push(event);
  return events;
}

describe('readServerSentEvents', () => {
  it('splits events across chunk boundaries and skips comments and retry lines', async () => {
    const events = await collect([
      'retry: 3000\n\n: heartbeat 1\n\nevent: mo',
      'del\ndata: {"version":1}\n',
      '\nevent: model\ndata: {"version":2}\n\n',
    ]);
    expect(events).toEqual([
      { event: 'model', data: '{"version":1}' },
      { event: 'model', data: '{"version":2}' },
    ]);
  });

  it('reads CRLF line endings, joins multi-line data and defaults the name to "message"', async () => {
    const events = await collect([
      'data: a\r\ndata: b\r\n\r\nevent: problem\r\ndata: {"message":"x"}\r\n\r\n',
    ]);
    expect(events).toEqual([
      { event: 'message', data: 'a\nb' },
      { event: 'problem', data: '{"message":"x"}' },
    ]);
  });

  it('drops an event the stream ended in the middle of', async () => {
    expect(await collect(['event: model\ndata: {"version":1}\n'])).toEqual([]);
  });
});
