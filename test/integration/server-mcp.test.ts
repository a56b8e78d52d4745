import type { Client } from '@modelcontextprotocol/client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connectClient, startTestServer, type TestServer } from '../helpers/server-harness.js';

type Progress = { progress: number; total?: number; message?: string };

function text(result: Awaited<ReturnType<Client['callTool']>>): string {
  const first = (result.content as { type: string; text?: string }[])[0];
  return first?.type === 'text' ? (first.text ?? '') : '';
}

describe('MCP over Streamable HTTP (no auth), through the SDK client', () => {
  let t: TestServer;
  const clients: Client[] = [];
  const connect = async (protocol?: string): Promise<Client> => {
    const client = await connectClient(t.server.url, protocol ? { protocol } : {});
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    t = await startTestServer({}, { noAuth: true });
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });
  afterAll(async () => {
    await t.server.close();
  });

  it('negotiates 2026-07-28 and lists the three tools with schemas and annotations', async () => {
    const client = await connect();
    expect(client.getProtocolEra()).toBe('modern');
    expect(client.getServerVersion()?.name).toBe('warden');
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual(['get_alerts', 'get_forecast', 'reverse']);
    const reverse = tools.find((tool) => tool.name === 'reverse');
    expect(reverse?.inputSchema.required).toEqual(['text']);
    expect(reverse?.annotations).toMatchObject({ readOnlyHint: true, openWorldHint: false });
    expect(tools.find((tool) => tool.name === 'get_forecast')?.annotations).toMatchObject({ openWorldHint: true });
  });

  it('reverse reports 5 progress notifications in order and keeps graphemes whole', async () => {
    const client = await connect();
    const progress: Progress[] = [];
    const input = 'Zoë 👍🏽 cafe\u0301 🇺🇸!';
    const result = await client.callTool({ name: 'reverse', arguments: { text: input } }, { onprogress: (p) => progress.push(p) });
    expect(text(result)).toBe('!🇺🇸 e\u0301fac 👍🏽 ëoZ');
    expect(progress.map((p) => p.progress)).toEqual([1, 2, 3, 4, 5]);
    expect(progress.every((p) => p.total === 5 && /Step \d of 5/.test(p.message ?? ''))).toBe(true);
  });

  it('runs three reverses concurrently, each with its own progress', async () => {
    const client = await connect();
    const words = ['alpha', 'bravo', 'charlie'];
    const progress = words.map((): number[] => []);
    const results = await Promise.all(
      words.map((word, i) => client.callTool({ name: 'reverse', arguments: { text: word } }, { onprogress: (p) => progress[i]?.push(p.progress) })),
    );
    expect(results.map(text)).toEqual(['ahpla', 'ovarb', 'eilrahc']);
    expect(progress).toEqual([
      [1, 2, 3, 4, 5],
      [1, 2, 3, 4, 5],
      [1, 2, 3, 4, 5],
    ]);
  });

  it('cancels one of three running calls; the server stops it and the others finish', async () => {
    const slow = await startTestServer({ REVERSE_STEP_MS: '50' }, { noAuth: true });
    try {
      const client = await connectClient(slow.server.url);
      clients.push(client);
      const controller = new AbortController();
      const cancelledProgress: number[] = [];
      const calls = ['one', 'two', 'three'].map((word, i) =>
        client.callTool(
          { name: 'reverse', arguments: { text: word } },
          {
            ...(i === 1 && { signal: controller.signal }),
            onprogress: (p) => {
              if (i !== 1) return;
              cancelledProgress.push(p.progress);
              if (p.progress === 1) controller.abort('user pressed Esc');
            },
          },
        ),
      );
      const settled = await Promise.allSettled(calls);
      const stopped = await slow.logger.waitFor((r) => r.event === 'tool cancelled');
      expect(stopped).toMatchObject({ tool: 'reverse', reason: 'client cancelled' });
      expect(stopped.step).toBeLessThan(5);
      // The tool's line names the HTTP request it ran for, as that request's access line does.
      expect(stopped.request).toEqual(expect.stringMatching(/^[0-9a-f]{8}$/));
      expect(await slow.logger.waitFor((r) => r.event === 'request' && r.request === stopped.request)).toMatchObject({ rpc: 'tools/call', tool: 'reverse' });
      expect(settled.map((s) => (s.status === 'fulfilled' ? text(s.value) : 'rejected'))).toEqual(['eno', 'rejected', 'eerht']);
      expect(cancelledProgress).toEqual([1]);
      expect(slow.logger.events('tool cancelled')).toHaveLength(1);
    } finally {
      await slow.server.close();
    }
  });

  it('serves a client pinned to protocol 2025-06-18: initialize, list and reverse with progress', async () => {
    const client = await connect('2025-06-18');
    expect(client.getProtocolEra()).toBe('legacy');
    expect(client.getNegotiatedProtocolVersion()).toBe('2025-06-18');
    expect((await client.listTools()).tools).toHaveLength(3);
    const progress: number[] = [];
    const result = await client.callTool({ name: 'reverse', arguments: { text: 'legacy' } }, { onprogress: (p) => progress.push(p.progress) });
    expect(text(result)).toBe('ycagel');
    expect(progress).toEqual([1, 2, 3, 4, 5]);
  });

  it('answers bad arguments with a tool error, not a crash', async () => {
    const client = await connect();
    const missing = await client.callTool({ name: 'reverse', arguments: {} });
    expect(missing.isError).toBe(true);
    expect(text(missing)).toMatch(/text/);
    const latitude = await client.callTool({ name: 'get_forecast', arguments: { latitude: 200, longitude: 0 } });
    expect(latitude.isError).toBe(true);
    expect(text(latitude)).toMatch(/latitude/);
    const state = await client.callTool({ name: 'get_alerts', arguments: { state: 'ZZ' } });
    expect(state.isError).toBe(true);
    expect(text(state)).toMatch(/Unknown state code "ZZ"/);
    expect((await client.callTool({ name: 'reverse', arguments: { text: 'still fine' } })).isError).toBeFalsy();
  });

  it('logs one structured line per request with id, rpc method, tool, status and duration', async () => {
    const client = await connect();
    await client.callTool({ name: 'reverse', arguments: { text: 'log me' } });
    const line = await t.logger.waitFor((r) => r.event === 'request' && r.tool === 'reverse');
    expect(line).toMatchObject({ method: 'POST', path: '/mcp', rpc: 'tools/call', status: 200 });
    expect(line.request).toMatch(/^[0-9a-f]{8}$/);
    expect(typeof line.ms).toBe('number');
  });
});

describe('graceful shutdown', () => {
  it('close() cancels running calls promptly and tells their clients', async () => {
    const t = await startTestServer({ REVERSE_STEP_MS: '300' }, { noAuth: true });
    const client = await connectClient(t.server.url, { protocol: '2025-06-18' });
    let resolveStarted: () => void = () => {};
    const started = new Promise<void>((resolve) => (resolveStarted = resolve));
    const call = client.callTool({ name: 'reverse', arguments: { text: 'long' } }, { onprogress: () => resolveStarted() });
    // The first progress arrives after one 300 ms step; close right after it, with four steps to go.
    await started;
    const closing = performance.now();
    await t.server.close();
    expect(performance.now() - closing).toBeLessThan(250);
    const result = await call;
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(/the server is shutting down: reverse stopped at step 2 of 5/);
    expect(await t.logger.waitFor((r) => r.event === 'tool cancelled')).toMatchObject({ reason: 'server shutting down' });
    await client.close();
  });
});

describe('legacy sessions (MCP_LEGACY_SESSIONS)', () => {
  it('lets a 2025-06-18 client cancel a running call', async () => {
    const t = await startTestServer({ REVERSE_STEP_MS: '50', MCP_LEGACY_SESSIONS: 'true' }, { noAuth: true });
    const client = await connectClient(t.server.url, { protocol: '2025-06-18' });
    try {
      const controller = new AbortController();
      const call = client.callTool(
        { name: 'reverse', arguments: { text: 'stop me' } },
        { signal: controller.signal, onprogress: (p) => p.progress === 1 && controller.abort('user pressed Esc') },
      );
      await expect(call).rejects.toThrow();
      const stopped = await t.logger.waitFor((r) => r.event === 'tool cancelled');
      expect(stopped).toMatchObject({ tool: 'reverse', reason: 'client cancelled' });
      expect(t.logger.events('session opened')).toHaveLength(1);
    } finally {
      await client.close();
      await t.server.close();
    }
  });
});
