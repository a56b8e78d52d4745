/**
 * A minimal local Messages API for benchmarks: answers every POST /v1/messages with a short
 * streamed end_turn reply and records each request's body size. Not a test double with scripts
 * (test/helpers/anthropic-server.ts is that); just enough for the real SDK to complete a round.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeMessagesApi {
  url: string;
  /** Body bytes of each request, in arrival order. */
  readonly requestBytes: number[];
  close(): Promise<void>;
}

const events = (model: string): string =>
  [
    [
      'message_start',
      {
        type: 'message_start',
        message: { id: 'msg_bench', type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 1, output_tokens: 1 } },
      },
    ],
    ['content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }],
    ['content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'ok' } }],
    ['content_block_stop', { type: 'content_block_stop', index: 0 }],
    ['message_delta', { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 1 } }],
    ['message_stop', { type: 'message_stop' }],
  ]
    .map(([event, data]) => `event: ${String(event)}\ndata: ${JSON.stringify(data)}\n\n`)
    .join('');

export async function startFakeMessagesApi(): Promise<FakeMessagesApi> {
  const requestBytes: number[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      requestBytes.push(body.length);
      const model = (JSON.parse(body.toString('utf8')) as { model?: string }).model ?? 'bench';
      res.writeHead(200, { 'content-type': 'text/event-stream' }).end(events(model));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requestBytes,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
