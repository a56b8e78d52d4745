import { mkdtempSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAgentConfig } from '../../agent/config.js';
import { createAgentEngine } from '../../agent/core/engine.js';
import type { AgentEngine, ServerStatus } from '../../agent/core/engine-types.js';
import type { Scheduler } from '../../agent/core/host/back-off.js';
import type { ServerConfig } from '../../agent/core/host/server-config.js';
import { MODEL_TOOL_NAME } from '../../agent/core/host/tool-names.js';
import { startFakeAnthropic, text, toolResults, toolUse, type FakeAnthropic } from '../helpers/anthropic-server.js';
import { startTestServer, type TestServer } from '../helpers/server-harness.js';
import { API_APP_ID, startTokenMinter, TENANT_ID, type TokenMinter } from '../helpers/token-minter.js';
import { startV1SessionServer, type V1SessionServer } from '../helpers/v1-session-server.js';
import { freePort } from '../helpers/free-port.js';
import { heldTimers } from '../helpers/held-timers.js';
import { EVERYTHING } from '../helpers/server-everything.js';

/** Accepts connections and never answers: a server that hangs. */
async function hangingServer(): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => sockets.add(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const http = (name: string, url: string, extra: Partial<ServerConfig> = {}): ServerConfig =>
  ({ name, source: { kind: 'flag', file: 'test.json' }, type: 'http', url, headers: {}, ...extra }) as ServerConfig;

describe('several MCP servers at once (Warden over HTTP, server-everything over stdio, a v1 session server, one down, one hanging)', () => {
  let warden: TestServer;
  let notes: V1SessionServer;
  let hanging: { url: string; close(): Promise<void> };
  let claude: FakeAnthropic;
  let engine: AgentEngine;
  let downUrl: string;

  beforeAll(async () => {
    [warden, notes, hanging, claude] = await Promise.all([
      startTestServer({ REVERSE_STEP_MS: '5' }, { noAuth: true }),
      startV1SessionServer(),
      hangingServer(),
      startFakeAnthropic(),
    ]);
    downUrl = `http://user:s3cret-pw@127.0.0.1:${await freePort()}/mcp?key=s3cret-key`;
    const config = loadAgentConfig({ ANTHROPIC_API_KEY: 'sk-ant-test', ANTHROPIC_BASE_URL: claude.url }, { noAuth: true });
    config.servers = [
      http('warden', warden.server.url),
      // Only what its filter lets through is offered (and counted).
      {
        name: 'everything',
        source: { kind: 'flag', file: 'test.json' },
        type: 'stdio',
        command: process.execPath,
        args: [EVERYTHING, 'stdio'],
        env: {},
        tools: { include: ['echo', 'get-*'] },
      },
      http('notes', notes.url),
      http('down', downUrl),
      http('hung', hanging.url, { timeoutMs: 60_000 }),
    ];
    // Reconnects wait for the test, which fires none: "down" stays failed (never "still connecting" on a
    // retry the machine's load happened to time into a turn) while the turns below tell the model about it.
    engine = createAgentEngine(config, { logDir: mkdtempSync(join(tmpdir(), 'warden-host-logs-')), schedule: () => () => undefined });
  });
  afterAll(async () => {
    await engine.close();
    await Promise.all([warden.server.close(), notes.close(), hanging.close(), claude.close()]);
  });

  const byName = (): Record<string, ServerStatus> => Object.fromEntries(engine.getStatus().servers.map((s) => [s.name, s]));

  it('connects each server on its own: the hanging one never holds up the others, the down one says why without its secrets', async () => {
    void engine.start();
    await new Promise<void>((resolve) => {
      const check = (): void => {
        const s = byName();
        if (!['warden', 'everything', 'notes'].every((n) => s[n]?.connection.state === 'connected') || s.down?.connection.state !== 'failed') return;
        unsubscribe();
        resolve();
      };
      const unsubscribe = engine.subscribeStatus(check);
      check();
    });
    const s = byName();
    expect(s.warden?.connection).toMatchObject({ state: 'connected', protocolVersion: '2026-07-28', toolCount: 3 });
    expect(s.everything).toMatchObject({ transport: 'stdio', connection: { state: 'connected', protocolVersion: '2025-11-25' } });
    const everything = (await engine.listTools()).filter((t) => t.server === 'everything').map((t) => t.name);
    expect(everything).toContain('echo');
    expect(everything.every((n) => n === 'echo' || n.startsWith('get-'))).toBe(true);
    expect(s.everything?.connection).toMatchObject({ toolCount: everything.length });
    expect(s.notes?.connection).toMatchObject({ state: 'connected', toolCount: 2 });
    expect(s.hung?.connection.state).toBe('connecting');
    expect(s.down?.connection).toMatchObject({ state: 'failed', error: expect.stringContaining('connection refused'), retryAt: expect.any(Number) });
    expect(s.down?.target).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp\?key=\*\*\*$/);
    expect(JSON.stringify(engine.getStatus())).not.toMatch(/s3cret/);
    expect(engine.getStatus().connection).toMatchObject({ state: 'connected' });
  });

  it('one turn calls tools on two servers at once; both results reach the model; the model is told which servers are unavailable', async () => {
    claude.enqueue(
      toolUse([
        { id: 'toolu_w', name: 'warden__reverse', input: { text: 'hello' } },
        { id: 'toolu_e', name: 'everything__echo', input: { message: 'hi there' } },
      ]),
      (request) =>
        text(
          `Got: ${toolResults(request)
            .map((r) => String(r.content))
            .join(' | ')}`,
        )(request),
    );
    const started = Date.now();
    const result = await engine.runTurn('reverse hello and echo hi there');
    expect(result).toMatchObject({ stopReason: 'end_turn', text: 'Got: olleh | Echo: hi there' });
    // The hanging server (60 s connect timeout) is still connecting: nothing waited for it.
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(byName().hung?.connection.state).toBe('connecting');

    const [first] = claude.requests;
    const names = first?.body.tools?.map((t) => t.name) ?? [];
    for (const name of names) expect(name).toMatch(MODEL_TOOL_NAME);
    expect(names).toEqual(expect.arrayContaining(['warden__reverse', 'everything__echo', 'notes__notes_find', 'notes__whoami']));
    expect(names.some((n) => n.startsWith('down__') || n.startsWith('hung__'))).toBe(false);
    expect(JSON.stringify(first?.body.system)).toMatch(/unavailable.*down \(cannot reach.*hung \(still connecting\)/);
    expect(JSON.stringify(first?.body)).not.toMatch(/s3cret/);

    expect(engine.registry.get('toolu_w')).toMatchObject({ server: 'warden', tool: 'reverse', status: 'done', result: 'olleh' });
    expect(engine.registry.get('toolu_e')).toMatchObject({ server: 'everything', tool: 'echo', status: 'done', result: 'Echo: hi there' });
    expect((await engine.listTools()).find((t) => t.name === 'notes.find')).toMatchObject({ server: 'notes' });
  });

  it('a dotted tool name with a top-level anyOf schema: offered wrapped under input, called with the unwrapped arguments, on one kept session', async () => {
    const notesFind = claude.requests[0]?.body.tools?.find((t) => t.name === 'notes__notes_find');
    expect(notesFind?.input_schema).toMatchObject({ type: 'object', required: ['input'], properties: { input: { anyOf: expect.any(Array) } } });
    claude.enqueue(
      toolUse([
        { id: 'toolu_n', name: 'notes__notes_find', input: { input: { tag: 'food' } } },
        { id: 'toolu_s1', name: 'notes__whoami', input: {} },
      ]),
      toolUse([{ id: 'toolu_s2', name: 'notes__whoami', input: {} }]),
      text('done'),
    );
    const result = await engine.runTurn('find my food notes');
    expect(result.stopReason).toBe('end_turn');
    expect(engine.registry.get('toolu_n')).toMatchObject({
      server: 'notes',
      tool: 'notes.find',
      args: { tag: 'food' },
      status: 'done',
      result: '1 note with tag food: "Groceries"',
    });
    const one = engine.registry.get('toolu_s1')?.result;
    expect(one).toMatch(/^session [0-9a-f-]{36}$/);
    expect(engine.registry.get('toolu_s2')?.result).toBe(one);
    expect(notes.sessions).toHaveLength(1);
  });

  it('a name the model made up fails that call alone, with a clear result', async () => {
    claude.enqueue(toolUse([{ id: 'toolu_x', name: 'down__anything', input: {} }]), text('ok'));
    const result = await engine.runTurn('use the down server');
    expect(result.stopReason).toBe('end_turn');
    expect(engine.registry.get('toolu_x')).toMatchObject({ status: 'error', error: expect.stringContaining('no tool named down__anything') });
  });
});

describe('reconnecting a server that is down: back-off up to 30 s, started over once a connect succeeds', () => {
  let port: number;
  let server: TestServer | undefined;
  let engine: AgentEngine;
  /** Each reconnect the server asked for, in order, with its delay; the test fires them. */
  const { schedule, delays, pending } = heldTimers();

  const status = (): ServerStatus['connection'] | undefined => engine.getStatus().servers[0]?.connection;
  const until = (done: () => boolean): Promise<void> =>
    new Promise((resolve) => {
      const check = (): void => {
        if (!done()) return;
        unsubscribe();
        resolve();
      };
      const unsubscribe = engine.subscribeStatus(check);
      check();
    });
  /** Fires the pending reconnect and waits for its outcome: connected, or failed with the next one scheduled. */
  const fire = async (): Promise<void> => {
    // A failed attempt reports its failure (and schedules the next) before its own promise settles;
    // let it settle first, or this attempt would join the finished one (one turn of the event loop, no timer).
    await new Promise<void>((resolve) => setImmediate(resolve));
    const scheduled = delays.length;
    const run = pending.shift();
    if (!run) throw new Error('no reconnect is pending');
    run();
    await until(() => status()?.state === 'connected' || delays.length > scheduled);
  };

  beforeAll(async () => {
    port = await freePort();
    const config = loadAgentConfig({}, { noAuth: true });
    config.servers = [http('flaky', `http://127.0.0.1:${port}/mcp`)];
    engine = createAgentEngine(config, { schedule });
  });
  afterAll(async () => {
    await engine.close();
    await server?.server.close();
  });

  it('waits 1, 2, 4, 8, 16 s, then 30 s at most between attempts while nothing listens', async () => {
    await engine.start();
    expect(status()).toMatchObject({ state: 'failed', error: expect.stringContaining('connection refused') });
    for (let i = 0; i < 6; i++) await fire();
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16_000, 30_000, 30_000]);
    expect(status()?.state).toBe('failed');
  });

  it('after a successful connect, the next failure waits 1 s again', async () => {
    server = await startTestServer({}, { noAuth: true, port });
    await fire();
    expect(status()).toMatchObject({ state: 'connected', toolCount: 3 });
    await server.server.close();
    server = undefined;
    // The next call finds the server gone: the failure schedules a reconnect from the start of the back-off.
    const before = delays.length;
    const result = await engine.runTurn('reverse hello');
    expect(engine.registry.get(result.callIds[0]!)).toMatchObject({ status: 'error' });
    expect(status()?.state).toBe('failed');
    expect(delays.slice(before)).toEqual([1000]);
  });
});

describe('servers that fail for good (issue 24 §2): said once with the reason, not retried until /mcp reconnect', () => {
  let notMcp: { url: string; close(): Promise<void> };
  let engine: AgentEngine;
  const delays: number[] = [];
  const schedule: Scheduler = (_run, ms) => {
    delays.push(ms);
    return () => undefined;
  };

  beforeAll(async () => {
    // A web server without an MCP endpoint: every path answers 404.
    const web = (await import('node:http')).createServer((_req, res) => res.writeHead(404).end('not here'));
    await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
    const { port } = web.address() as { port: number };
    notMcp = { url: `http://127.0.0.1:${port}/mcp`, close: () => new Promise((resolve) => web.close(() => resolve())) };
    const config = loadAgentConfig({}, { noAuth: true });
    // Port 6000 is on fetch's block list: it is refused before anything is sent.
    config.servers = [http('web', notMcp.url), http('blocked', 'http://127.0.0.1:6000/mcp')];
    engine = createAgentEngine(config, { schedule });
  });
  afterAll(async () => {
    await engine.close();
    await notMcp.close();
  });

  it('a 404 and a port fetch refuses: failed with why, no reconnect scheduled; /mcp reconnect tries again', async () => {
    await engine.start();
    const byName = (name: string) => engine.getStatus().servers.find((s) => s.name === name)?.connection;
    expect(byName('web')).toEqual({ state: 'failed', error: `no MCP endpoint at ${notMcp.url} (HTTP 404)` });
    expect(byName('blocked')).toEqual({ state: 'failed', error: 'cannot reach the MCP server at http://127.0.0.1:6000/mcp (fetch refuses its port as unsafe)' });
    expect(delays).toEqual([]);
    await engine.reconnectServer('web');
    expect(byName('web')).toMatchObject({ state: 'failed', error: expect.stringContaining('HTTP 404') });
    expect(delays).toEqual([]);
  });
});

describe('stdio servers that crash: reported with their reason, reconnected with back-off', () => {
  const FIXTURES = fileURLToPath(new URL('../fixtures/stdio/', import.meta.url));
  let claude: FakeAnthropic;
  let engine: AgentEngine;

  beforeAll(async () => {
    claude = await startFakeAnthropic();
    const config = loadAgentConfig({ ANTHROPIC_API_KEY: 'sk-ant-test', ANTHROPIC_BASE_URL: claude.url }, { noAuth: true });
    const stdio = (name: string, script: string): ServerConfig => ({
      name,
      source: { kind: 'flag', file: 'test.json' },
      type: 'stdio',
      command: process.execPath,
      args: [join(FIXTURES, script)],
      env: {},
    });
    config.servers = [stdio('env', 'env-server.mjs'), stdio('crash', 'crash-server.mjs')];
    engine = createAgentEngine(config, { logDir: mkdtempSync(join(tmpdir(), 'warden-host-logs-')) });
  });
  afterAll(async () => {
    await engine.close();
    await claude.close();
  });

  const waitFor = (match: (s: Record<string, ServerStatus>) => boolean): Promise<Record<string, ServerStatus>> =>
    new Promise((resolve) => {
      const check = (): void => {
        const s = Object.fromEntries(engine.getStatus().servers.map((x) => [x.name, x]));
        if (!match(s)) return;
        unsubscribe();
        resolve(s);
      };
      const unsubscribe = engine.subscribeStatus(check);
      check();
    });

  const pidOfEnvServer = async (): Promise<number> => {
    claude.enqueue(toolUse([{ name: 'env__pid', input: {} }]), text('ok'));
    const result = await engine.runTurn('pid?');
    return (JSON.parse(engine.registry.get(result.callIds[0]!)?.result ?? '{}') as { pid: number }).pid;
  };

  it('a server that exits at start shows its exit code and last stderr line, terminal-safe, and is retried', async () => {
    void engine.start();
    const s = await waitFor((x) => x.env?.connection.state === 'connected' && x.crash?.connection.state === 'failed' && /exited/.test(x.crash.lastError ?? ''));
    const crash = s.crash!.connection;
    expect(crash).toMatchObject({
      state: 'failed',
      error: expect.stringMatching(/^exited with code 3: fatal: missing API key \(log: .*crash\.log\)$/),
      retryAt: expect.any(Number),
    });
    // Its retries go on with back-off: the next attempt comes, and fails the same way.
    await waitFor((x) => x.crash?.connection.state === 'connecting' && x.crash.connection.attempt >= 2);
  });

  it('a server killed mid-session is reported as killed and comes back by itself', async () => {
    const first = await pidOfEnvServer();
    expect(first).toBeGreaterThan(0);
    process.kill(first, 'SIGKILL');
    await waitFor((x) => x.env?.connection.state === 'failed' && /killed by SIGKILL/.test(x.env.connection.error));
    await waitFor((x) => x.env?.connection.state === 'connected');
    const second = await pidOfEnvServer();
    expect(second).not.toBe(first);
    expect(engine.getStatus().servers.find((x) => x.name === 'env')?.lastError).toMatch(/killed by SIGKILL/);
  });

  it('/mcp reconnect NAME starts a server afresh at once; an unknown name is an error', async () => {
    const before = await pidOfEnvServer();
    await engine.reconnectServer('env');
    expect(engine.getStatus().servers.find((x) => x.name === 'env')?.connection.state).toBe('connected');
    expect(await pidOfEnvServer()).not.toBe(before);
    await expect(engine.reconnectServer('nope')).rejects.toThrow('no server named "nope" (see /mcp)');
  });
});

describe('a protected server signed in with a static bearer token from a named variable', () => {
  let minter: TokenMinter;
  let secured: TestServer;
  let token: string;

  beforeAll(async () => {
    minter = await startTokenMinter();
    secured = await startTestServer({ ENTRA_TENANT_ID: TENANT_ID, ENTRA_API_AUDIENCE: API_APP_ID, ENTRA_AUTHORITY_HOST: minter.authorityHost });
    token = await minter.mint();
  });
  afterAll(async () => {
    await secured.server.close();
    await minter.close();
  });

  const engineWith = (env: Record<string, string>): AgentEngine => {
    const config = loadAgentConfig({});
    config.servers = [http('api', secured.server.url, { auth: { kind: 'bearer', tokenEnv: 'API_TOKEN' } })];
    return createAgentEngine(config, { env });
  };

  it('sends Authorization: Bearer $API_TOKEN; without the variable it says which one is missing; the token is never shown', async () => {
    const signedIn = engineWith({ API_TOKEN: token });
    const missing = engineWith({});
    try {
      await Promise.all([signedIn.start(), missing.start()]);
      expect(signedIn.getStatus().servers[0]).toMatchObject({ connection: { state: 'connected', toolCount: 3 }, auth: { state: 'disabled' } });
      expect(missing.getStatus().servers[0]?.connection).toMatchObject({
        state: 'sign-in-needed',
        reason: expect.stringContaining('the token variable API_TOKEN for server "api" is not set'),
      });
      expect(JSON.stringify(signedIn.getStatus())).not.toContain(token);
    } finally {
      await Promise.all([signedIn.close(), missing.close()]);
    }
  });

  it('a token the server refuses: its reason (error and error_description) in one line, never the token', async () => {
    const expired = await minter.mint({ exp: 1 });
    const refused = engineWith({ API_TOKEN: expired });
    try {
      await refused.start();
      const connection = refused.getStatus().servers[0]?.connection;
      expect(connection).toMatchObject({ state: 'sign-in-needed', reason: expect.stringMatching(/^server "api" refused the token in API_TOKEN \(invalid_token: .*expired/) });
      expect(JSON.stringify(refused.getStatus())).not.toContain(expired);
    } finally {
      await refused.close();
    }
  });
});

describe('the demo model with two configured servers', () => {
  let a: TestServer;
  let b: TestServer;
  let engine: AgentEngine;
  beforeAll(async () => {
    [a, b] = await Promise.all([startTestServer({}, { noAuth: true }), startTestServer({}, { noAuth: true })]);
    const config = loadAgentConfig({}, { noAuth: true });
    config.servers = [http('a', a.server.url), http('b', b.server.url)];
    engine = createAgentEngine(config);
    await engine.start();
  });
  afterAll(async () => {
    await engine.close();
    await Promise.all([a.server.close(), b.server.close()]);
  });

  it('finds "reverse" among SERVER__TOOL names and answers about the tool', async () => {
    const result = await engine.runTurn('reverse hello');
    expect(result.stopReason).toBe('end_turn');
    expect(result.text).toContain('"hello" reversed is "olleh".');
    expect(engine.registry.get(result.callIds[0]!)).toMatchObject({ server: 'a', tool: 'reverse', status: 'done' });
  });
});
