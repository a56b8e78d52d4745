import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StreamableHTTPClientTransport, type JSONRPCMessage } from '@modelcontextprotocol/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { STREAM_LOST, watchRequestStreams } from '../../agent/core/mcp/stream-watch.js';

/**
 * A loopback endpoint that answers each POST as its `x-mode` says: the reply on an SSE stream,
 * a progress event and then the end of the stream with no reply (a server killed mid-call), or
 * the reply as plain JSON.
 */
type Mode = 'reply' | 'cut' | 'json';

describe('watchRequestStreams (a call whose stream breaks fails at once)', () => {
  let server: Server;
  let url: URL;
  let mode: Mode;

  beforeEach(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const { id } = JSON.parse(body) as { id: number };
        const reply = JSON.stringify({ jsonrpc: '2.0', id, result: { content: [] } });
        if (mode === 'json') {
          res.writeHead(200, { 'content-type': 'application/json' }).end(reply);
          return;
        }
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write(`event: message\ndata: ${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: id, progress: 1, total: 5 } })}\n\n`);
        res.end(mode === 'reply' ? `event: message\ndata: ${reply}\n\n` : undefined);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`);
  });
  afterEach(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  /** Sends one request through a watched transport; resolves with what reached the client once the request's stream ended. */
  async function call(id: number): Promise<JSONRPCMessage[]> {
    const received: JSONRPCMessage[] = [];
    const transport = new StreamableHTTPClientTransport(url);
    transport.onmessage = (message) => received.push(message);
    watchRequestStreams(transport);
    await transport.start();
    try {
      await new Promise<void>((resolve, reject) => {
        transport
          .send({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'reverse', arguments: {} } }, { onRequestStreamEnd: resolve })
          .then(() => mode === 'json' && resolve(), reject);
      });
    } finally {
      await transport.close();
    }
    return received;
  }

  const replies = (messages: JSONRPCMessage[]) => messages.filter((m) => 'id' in m && !('method' in m));

  it('answers a request whose stream ended without its reply with a "connection lost" error', async () => {
    mode = 'cut';
    const received = await call(7);
    expect(replies(received)).toEqual([
      { jsonrpc: '2.0', id: 7, error: { code: -32000, message: 'the connection to the MCP server was lost during the call', data: { reason: STREAM_LOST } } },
    ]);
  });

  it('adds nothing when the reply came on the stream before it ended', async () => {
    mode = 'reply';
    const received = await call(8);
    expect(replies(received)).toEqual([{ jsonrpc: '2.0', id: 8, result: { content: [] } }]);
    // The progress notification still reaches the client.
    expect(received.some((m) => 'method' in m && m.method === 'notifications/progress')).toBe(true);
  });

  it('passes a plain JSON reply through as it is', async () => {
    mode = 'json';
    expect(replies(await call(9))).toEqual([{ jsonrpc: '2.0', id: 9, result: { content: [] } }]);
  });
});
