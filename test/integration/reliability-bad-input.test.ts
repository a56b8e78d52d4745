import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { Client } from '@modelcontextprotocol/client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BATCH_MESSAGES } from '../../mcp-server/access.js';
import { MAX_TEXT_LENGTH } from '../../mcp-server/tools/reverse.js';
import { PassThrough } from 'node:stream';
import { jsonLineLogger } from '../../mcp-server/log.js';
import { connectClient, startTestServer, type TestServer } from '../helpers/server-harness.js';
import { API_APP_ID, startTokenMinter, TENANT_ID, type TokenMinter } from '../helpers/token-minter.js';

interface RawAnswer {
  status: number;
  body: string;
}

/** One POST exactly as written (node:http, so odd or repeated headers go out unchanged). */
function rawPost(url: string, body: string | Buffer[], headers: Record<string, string | string[]>): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    if (typeof body === 'string') req.end(body);
    else {
      for (const chunk of body) req.write(chunk);
      req.end();
    }
  });
}

const rpcError = (answer: RawAnswer): { code?: number; message?: string } => (JSON.parse(answer.body) as { error?: { code?: number; message?: string } }).error ?? {};

describe('bad input against an authenticated server: refused cleanly, and a normal call works after each', () => {
  let minter: TokenMinter;
  let t: TestServer;
  let client: Client;
  let headers: Record<string, string>;

  beforeAll(async () => {
    minter = await startTokenMinter();
    t = await startTestServer({ ENTRA_TENANT_ID: TENANT_ID, ENTRA_API_AUDIENCE: API_APP_ID, ENTRA_AUTHORITY_HOST: minter.authorityHost });
    const token = await minter.mint();
    headers = { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', Authorization: `Bearer ${token}` };
    client = await connectClient(t.server.url, { token });
  });
  afterEach(async () => {
    expect((await client.callTool({ name: 'reverse', arguments: { text: 'still serving' } })).content).toEqual([{ type: 'text', text: 'gnivres llits' }]);
    expect(t.logger.events('request failed')).toEqual([]);
  });
  afterAll(async () => {
    await client.close();
    await t.server.close();
    await minter.close();
  });

  it('malformed JSON → 400 parse error', async () => {
    const answer = await rawPost(t.server.url, '{"jsonrpc":"2.0","id":1,"method":', headers);
    expect(answer.status).toBe(400);
    expect(rpcError(answer).code).toBe(-32700);
  });

  it.each([['42'], ['null'], ['"tools/list"'], ['{}'], ['[]'], ['{"jsonrpc":"1.0","id":1,"method":"tools/list"}']])(
    '%s (JSON, not JSON-RPC) → 400 invalid request',
    async (body) => {
      const answer = await rawPost(t.server.url, body, headers);
      expect(answer.status).toBe(400);
      expect(rpcError(answer).code).toBe(-32600);
    },
  );

  it(`a batch of more than ${MAX_BATCH_MESSAGES} calls → 400 naming the limit; a small batch is served`, async () => {
    // Only 2025-03-26 allowed batches; later revisions refuse them outright.
    const legacy = { ...headers, 'MCP-Protocol-Version': '2025-03-26' };
    const call = (id: number) => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'get_forecast', arguments: { latitude: 40.7, longitude: -74 } } });
    const abuse = await rawPost(t.server.url, JSON.stringify(Array.from({ length: 100 }, (_, i) => call(i + 1))), legacy);
    expect(abuse.status).toBe(400);
    expect(rpcError(abuse)).toEqual({ code: -32600, message: `Invalid Request: a batch may hold at most ${MAX_BATCH_MESSAGES} messages, not 100` });

    const list = (id: number) => ({ jsonrpc: '2.0', id, method: 'tools/list' });
    const small = await rawPost(t.server.url, JSON.stringify([list(1), list(2)]), legacy);
    expect(small.status).toBe(200);
    expect(small.body.match(/"id":\d/g)).toHaveLength(2);
    const modern = await rawPost(t.server.url, JSON.stringify([list(1), list(2)]), { ...headers, 'MCP-Protocol-Version': '2026-07-28' });
    expect(modern.status).toBe(400);
  });

  it('a UTF-8 BOM in front of a batch changes nothing: the batch cap holds and the log line names the calls', async () => {
    const legacy = { ...headers, 'MCP-Protocol-Version': '2025-03-26' };
    const call = (id: number) => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'get_alerts', arguments: { state: 'CA' } } });
    const abuse = await rawPost(t.server.url, `\uFEFF${JSON.stringify(Array.from({ length: 100 }, (_, i) => call(i + 1)))}`, legacy);
    expect(abuse.status).toBe(400);
    expect(rpcError(abuse).message).toBe(`Invalid Request: a batch may hold at most ${MAX_BATCH_MESSAGES} messages, not 100`);
    const line = await t.logger.waitFor((r) => r.event === 'request' && r.outcome === 'batch refused' && r.tool === 'get_alerts');
    expect(line).toMatchObject({ rpc: `${Array.from({ length: 10 }, () => 'tools/call').join(',')},… (+90 more)`, tool: 'get_alerts', status: 400 });
  });

  it('a body over 1 MiB sent chunked (no Content-Length) → 413, read no further', async () => {
    const chunk = Buffer.alloc(64 * 1024, 'x');
    const answer = await rawPost(
      t.server.url,
      Array.from({ length: 20 }, () => chunk),
      headers,
    );
    expect(answer.status).toBe(413);
  });

  it('an unknown tool → a JSON-RPC error naming it', async () => {
    await expect(client.callTool({ name: 'rm_rf', arguments: {} })).rejects.toThrow(/Tool rm_rf not found/);
  });

  it.each([
    ['a number', { text: 123 }, /text: Invalid input: expected string, received number/],
    ['null', { text: null }, /text: Invalid input: expected string, received null/],
    ['an object', { text: { nested: 'x' } }, /text: Invalid input: expected string/],
    ['latitude as a string', { latitude: '40.7', longitude: -74 }, /latitude: Invalid input: expected number, received string/],
  ])('wrong argument type (%s) → a tool error saying what is wrong', async (_, args, message) => {
    const name = 'latitude' in args ? 'get_forecast' : 'reverse';
    const result = await client.callTool({ name, arguments: args as Record<string, unknown> });
    expect(result.isError).toBe(true);
    expect((result.content as { text: string }[])[0]?.text).toMatch(message);
  });

  it('arguments that are not an object → a JSON-RPC invalid-params error', async () => {
    const body = JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'reverse', arguments: ['x'] } });
    const answer = await rawPost(t.server.url, body, { ...headers, 'MCP-Protocol-Version': '2025-06-18' });
    expect(answer.status).toBe(200);
    expect(answer.body).toContain('"code":-32602');
  });

  it(`a huge text for reverse (${MAX_TEXT_LENGTH + 1} characters) → a tool error naming the limit`, async () => {
    const result = await client.callTool({ name: 'reverse', arguments: { text: 'y'.repeat(MAX_TEXT_LENGTH + 1) } });
    expect(result.isError).toBe(true);
    expect((result.content as { text: string }[])[0]?.text).toContain(`too long: at most ${MAX_TEXT_LENGTH} characters`);
    const longest = await client.callTool({ name: 'reverse', arguments: { text: `${'y'.repeat(MAX_TEXT_LENGTH - 1)}z` } });
    expect((longest.content as { text: string }[])[0]?.text?.startsWith('zy')).toBe(true);
  });

  it.each([['null'], ['http://localhost.evil.example'], ['http://127.0.0.1.evil.example:8000'], ['https://evil.example'], ['not a url'], ['file:///etc/passwd']])(
    'hostile Origin %s → 403',
    async (origin) => {
      const answer = await rawPost(t.server.url, '{"jsonrpc":"2.0","id":1,"method":"tools/list"}', { ...headers, Origin: origin });
      expect(answer.status).toBe(403);
    },
  );

  it('two Origin headers, one of them local → 403', async () => {
    const answer = await rawPost(t.server.url, '{"jsonrpc":"2.0","id":1,"method":"tools/list"}', { ...headers, Origin: ['https://evil.example', 'http://localhost'] });
    expect(answer.status).toBe(403);
  });
});

/** Writes `head` (and never the rest) on a raw connection; resolves with what the server said before it closed the socket. */
function stall(origin: string, head: string): { socket: Socket; closed: Promise<string> } {
  const { hostname, port } = new URL(origin);
  const socket = connect(Number(port), hostname);
  let received = '';
  socket.setEncoding('utf8').on('data', (d: string) => (received += d));
  socket.write(head);
  return { socket, closed: new Promise((resolve) => socket.on('close', () => resolve(received))) };
}

describe('slow clients (slow-loris): requests that never finish arriving are cut off', () => {
  let t: TestServer;

  beforeAll(async () => {
    // A short deadline for the test; production uses 30 s. Tool answers may stream far longer.
    t = await startTestServer({ REVERSE_STEP_MS: '100' }, { noAuth: true }, {}, (config) => {
      config.requestTimeoutMs = 300;
    });
  });
  afterAll(async () => {
    await t.server.close();
  });

  it('closes stalled headers, stalled bodies and endless chunked bodies with 408, serving others meanwhile', async () => {
    const { host } = new URL(t.server.url);
    const post = `POST /mcp HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\n`;
    const stalled = [
      ...Array.from({ length: 10 }, () => stall(t.server.origin, `POST /mcp HTTP/1.1\r\nHost: ${host}\r\nX-Slow: `)),
      ...Array.from({ length: 10 }, () => stall(t.server.origin, `${post}Content-Length: 1000\r\n\r\n{"jsonrpc":`)),
      ...Array.from({ length: 10 }, () => stall(t.server.origin, `${post}Transfer-Encoding: chunked\r\n\r\n5\r\n{"jso\r\n`)),
    ];
    const client = await connectClient(t.server.url);
    // Five 100 ms steps: the answer streams for longer than the request deadline and is not cut off.
    const progress: number[] = [];
    const result = await client.callTool({ name: 'reverse', arguments: { text: 'patient' } }, { onprogress: (p) => progress.push(p.progress) });
    expect(result.content).toEqual([{ type: 'text', text: 'tneitap' }]);
    expect(progress).toEqual([1, 2, 3, 4, 5]);

    const answers = await Promise.all(stalled.map((s) => s.closed));
    expect(answers.every((a) => a.startsWith('HTTP/1.1 408'))).toBe(true);
    expect((await client.callTool({ name: 'reverse', arguments: { text: 'after' } })).content).toEqual([{ type: 'text', text: 'retfa' }]);
    await client.close();
    expect(t.logger.events('request failed')).toEqual([]);
  });
});

describe('log lines stay small whatever a caller sends', () => {
  let minter: TokenMinter;
  let t: TestServer;
  const lines: string[] = [];
  const waiters = new Set<() => void>();

  beforeAll(async () => {
    minter = await startTokenMinter();
    const stream = new PassThrough();
    let partial = '';
    stream.setEncoding('utf8').on('data', (chunk: string) => {
      const parts = (partial + chunk).split('\n');
      partial = parts.pop() ?? '';
      lines.push(...parts);
      waiters.forEach((w) => w());
    });
    const env = { ENTRA_TENANT_ID: TENANT_ID, ENTRA_API_AUDIENCE: API_APP_ID, ENTRA_AUTHORITY_HOST: minter.authorityHost };
    t = await startTestServer(env, {}, { logger: jsonLineLogger(stream) });
  });
  afterAll(async () => {
    await t.server.close();
    await minter.close();
  });
  const requestLine = (): Promise<string> =>
    new Promise((resolve) => {
      const check = (): void => {
        const found = lines.find((l) => l.includes('"event":"request"'));
        if (found === undefined) return;
        waiters.delete(check);
        resolve(found);
      };
      waiters.add(check);
      check();
    });

  it('a 1 MiB batch of empty objects writes a log line under 2 KB (and without a token its body is never read)', async () => {
    const count = Math.floor((1024 * 1024 - 2) / 3);
    const body = `[${Array.from({ length: count }, () => '{}').join(',')}]`;
    const headers = { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' };
    const unauthenticated = await rawPost(t.server.url, body, headers);
    expect(unauthenticated.status).toBe(401);
    const first = await requestLine();
    expect(JSON.parse(first)).toMatchObject({ event: 'request', status: 401 });
    expect(JSON.parse(first).rpc).toBeUndefined();

    lines.length = 0;
    const answer = await rawPost(t.server.url, body, { ...headers, Authorization: `Bearer ${await minter.mint()}` });
    expect(answer.status).toBe(400);
    const line = await requestLine();
    expect(line.length).toBeLessThan(2048);
    expect(JSON.parse(line)).toMatchObject({ event: 'request', status: 400, rpc: expect.stringContaining(`(+${count - 10} more)`) });
  });
});
