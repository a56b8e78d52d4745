import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { toNodeHandler } from '@modelcontextprotocol/node';
import { createMcpHandler, McpServer } from '@modelcontextprotocol/server';
import { z } from 'zod';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startDevIdp, type RunningDevIdp } from '../../auth/dev-idp/index.js';
import { buildLoginConfig, createAuthenticator } from '../../auth/login/index.js';
import { fixedSignIns } from '../helpers/sign-ins.js';
import { loadAgentConfig } from '../../agent/config.js';
import { createAgentEngine } from '../../agent/core/engine.js';
import type { AgentEngine, TurnEvent } from '../../agent/core/engine-types.js';
import { ClaudeModel } from '../../agent/core/model/claude.js';
import type { ToolCallRecord } from '../../agent/core/tool-calls/types.js';
import { networkCut, startFakeAnthropic, text, type FakeAnthropic } from '../helpers/anthropic-server.js';
import { startCli, type CliProcess } from '../helpers/cli-process.js';
import { startTestServer, type TestServer } from '../helpers/server-harness.js';
import { devIdpServerEnv } from '../../agent/demo-stack/stack.js';

/** Resolves with the first call record that matches (already there or still to come). */
function waitForCall(engine: AgentEngine, match: (r: ToolCallRecord) => boolean): Promise<ToolCallRecord> {
  return new Promise((resolve) => {
    const check = (): void => {
      const found = engine.registry.snapshot().find(match);
      if (!found) return;
      unsubscribe();
      resolve(found);
    };
    const unsubscribe = engine.registry.subscribe(check);
    check();
  });
}

describe('faults around the agent: model API network cuts', () => {
  let mcp: TestServer;
  let claude: FakeAnthropic;
  let engine: AgentEngine;

  beforeAll(async () => {
    mcp = await startTestServer({}, { noAuth: true });
    claude = await startFakeAnthropic();
    const config = loadAgentConfig({ MCP_SERVER_URL: mcp.server.url, ANTHROPIC_API_KEY: 'sk-ant-test', ANTHROPIC_BASE_URL: claude.url }, { noAuth: true });
    // Short backoff so three retries take milliseconds; the policy itself is the real one.
    engine = createAgentEngine(config, { model: new ClaudeModel(config.anthropic!, { retryBaseMs: 5, maxRetries: 2 }) });
    await engine.start();
  });
  afterAll(async () => {
    await engine.close();
    await claude.close();
    await mcp.server.close();
  });

  it('a connection cut before the answer is retried with a notice, and the answer arrives', async () => {
    claude.enqueue(networkCut(), text('Made it.'));
    const events: TurnEvent[] = [];
    const result = await engine.runTurn('hello', { onEvent: (e) => events.push(e) });
    expect(result).toMatchObject({ stopReason: 'end_turn', text: 'Made it.' });
    expect(events.filter((e) => e.type === 'notice')).toHaveLength(1);
  });

  it('a cut after text was shown is not retried (no duplicated text): one clear line, and the chat goes on', async () => {
    const before = claude.requests.length;
    claude.enqueue(networkCut('Half an ans'));
    const broken = await engine.runTurn('tell me');
    expect(broken.stopReason).toBe('error');
    expect(broken.error).toMatch(/broke off/);
    expect(broken.error).not.toContain('\n');
    expect(claude.requests.length).toBe(before + 1);

    claude.enqueue(text('Whole answer.'));
    expect(await engine.runTurn('again')).toMatchObject({ stopReason: 'end_turn', text: 'Whole answer.' });
  });

  it('a network that stays down gives up after the retries with one line; the next turn works', async () => {
    const before = claude.requests.length;
    claude.enqueue(networkCut(), networkCut(), networkCut());
    const failed = await engine.runTurn('anyone there?');
    expect(failed.stopReason).toBe('error');
    expect(failed.error).toBeTruthy();
    expect(failed.error).not.toContain('\n');
    expect(claude.requests.length).toBe(before + 3);

    claude.enqueue(text('Back.'));
    expect(await engine.runTurn('now?')).toMatchObject({ stopReason: 'end_turn', text: 'Back.' });
  });
});

describe('faults around the agent: the MCP server process is killed mid-call and restarted', () => {
  let server: CliProcess | undefined;
  let engine: AgentEngine | undefined;
  afterEach(async () => {
    await engine?.close();
    await server?.stop();
  });

  async function serve(port: number): Promise<{ cli: CliProcess; url: string }> {
    const cli = startCli(['serve', '--no-auth', '--port', String(port)], { env: { REVERSE_STEP_MS: '200' } });
    const [, url] = await cli.waitFor(/listening on (http:\/\/\S+)/, 'stdout');
    return { cli, url: url! };
  }

  it('the running call ends as an error, the turn still ends, and the next call reconnects', async () => {
    const first = await serve(0);
    server = first.cli;
    engine = createAgentEngine(loadAgentConfig({ MCP_SERVER_URL: first.url }, { noAuth: true }));
    await engine.start();

    const turn = engine.runTurn('reverse hello world');
    await waitForCall(engine, (r) => r.status === 'running' && (r.progress ?? 0) >= 1);
    first.cli.child.kill('SIGKILL');
    const result = await turn;
    const call = engine.registry.get(result.callIds[0]!);
    expect(call?.status).toBe('error');
    expect(call?.error).toBeTruthy();
    expect(result.stopReason).toBe('end_turn');

    // The same address comes back (a restart or a redeploy): the chat carries on.
    const port = Number(new URL(first.url).port);
    server = (await serve(port)).cli;
    const after = await engine.runTurn('reverse again');
    expect(after.text).toContain('"niaga"');
    expect(engine.getStatus().connection.state).toBe('connected');
  });
});

/**
 * An MCP server (SDK v2, stateless, no auth) whose `reverse` tool counts its runs. Armed, a run
 * (after one progress notification when its text says "progress") holds until the test cuts every
 * connection; the server stays up, so a call sent again would reach it, be counted and succeed.
 */
async function startDroppingServer(): Promise<{ url: string; runs: () => number; started: () => Promise<void>; cut: () => void; arm: () => void; close: () => Promise<void> }> {
  let runs = 0;
  let armed = true;
  let signalStarted: () => void = () => undefined;
  let started = new Promise<void>((resolve) => (signalStarted = resolve));
  let release: () => void = () => undefined;
  let released = new Promise<void>((resolve) => (release = resolve));
  const handler = createMcpHandler(() => {
    const mcp = new McpServer({ name: 'dropping', version: '1.0.0' });
    mcp.registerTool('reverse', { description: 'Reverses text.', inputSchema: z.object({ text: z.string() }) }, async ({ text }, ctx) => {
      runs++;
      const progressToken = ctx.mcpReq._meta?.progressToken;
      if (armed && text.includes('progress') && progressToken !== undefined) {
        await ctx.mcpReq.notify({ method: 'notifications/progress', params: { progressToken, progress: 1, total: 2, message: 'charged the card' } });
      }
      if (armed) {
        signalStarted();
        await released;
      }
      return { content: [{ type: 'text', text: [...text].reverse().join('') }] };
    });
    return mcp;
  });
  const node = toNodeHandler(handler);
  const server: Server = createServer((req, res) => void node(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`,
    runs: () => runs,
    started: () => started,
    cut: () => {
      armed = false;
      server.closeAllConnections();
      release();
    },
    arm: () => {
      armed = true;
      started = new Promise<void>((resolve) => (signalStarted = resolve));
      released = new Promise<void>((resolve) => (release = resolve));
    },
    async close() {
      release();
      await handler.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('faults around the agent: the MCP server drops the connection mid-call and stays up', () => {
  let server: Awaited<ReturnType<typeof startDroppingServer>>;
  let engine: AgentEngine;
  beforeAll(async () => {
    server = await startDroppingServer();
    engine = createAgentEngine(loadAgentConfig({ MCP_SERVER_URL: server.url }, { noAuth: true }));
    await engine.start();
  });
  afterAll(async () => {
    await engine.close();
    await server.close();
  });

  // Each case: the tool started on the server, the connection broke, the server is still there.
  it.each([
    ['after it reported progress', 'reverse progress one', (r: ToolCallRecord) => r.status === 'running' && (r.progress ?? 0) >= 1],
    ['before it reported anything', 'reverse silent two', (r: ToolCallRecord) => r.status === 'running'],
  ])('a call cut %s runs once: it is reported, never sent again, and the next call works', async (_, prompt, running) => {
    const before = server.runs();
    const turn = engine.runTurn(prompt);
    await waitForCall(engine, running);
    await server.started();
    server.cut();
    const result = await turn;
    const call = engine.registry.get(result.callIds[0]!);
    expect(call?.status).toBe('error');
    expect(call?.error).toMatch(/lost the connection to the MCP server at .* the call may have run there, so it was not sent again/);
    expect(server.runs() - before).toBe(1);
    // The server is up: the next call reconnects and runs (once).
    const after = await engine.runTurn('reverse again');
    expect(after.text).toContain('"niaga"');
    expect(server.runs() - before).toBe(2);
    // Dropping again for the next case.
    server.arm();
  });
});

describe('faults around the agent: the identity provider goes down while tokens are cached', () => {
  let root: string;
  let idp: RunningDevIdp;
  let mcp: TestServer;
  const engines: AgentEngine[] = [];

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'warden-idp-down-'));
    idp = await startDevIdp({ port: 0, dataDir: join(root, 'idp'), pollIntervalSeconds: 0 });
    mcp = await startTestServer(devIdpServerEnv(idp, idp.apiAudience));
  });
  afterAll(async () => {
    await Promise.all(engines.map((e) => e.close()));
    await mcp.server.close();
    await idp.close();
  });

  const newEngine = (): AgentEngine => {
    const login = buildLoginConfig({
      authorityHost: idp.authorityHost,
      tenantId: idp.tenantId,
      clientId: idp.clientId,
      apiScope: idp.apiScope,
      cachePath: join(root, 'token_cache.json'),
      caFile: idp.caFile,
    });
    const engine = createAgentEngine(loadAgentConfig({ MCP_SERVER_URL: mcp.server.url }), { signIns: fixedSignIns(createAuthenticator(login)) });
    engines.push(engine);
    return engine;
  };

  it('a new agent process keeps calling tools from the cached token; a new sign-in fails with a clear message', async () => {
    const first = newEngine();
    await first.start();
    const signingIn = first.signIn();
    await new Promise<void>((resolve) => {
      const off = first.subscribeStatus(() => {
        const auth = first.getStatus().auth;
        if (auth.state === 'signing-in' && auth.prompt) {
          off();
          void idp.approve(auth.prompt.userCode ?? '').then(resolve);
        }
      });
    });
    await signingIn;
    expect((await first.runTurn('reverse before')).text).toContain('"erofeb"');

    await idp.close();

    // A fresh engine and Authenticator (as a new process would have) over the same cache file.
    const second = newEngine();
    await second.start();
    expect(second.getStatus()).toMatchObject({ connection: { state: 'connected' }, auth: { state: 'signed-in' } });
    expect((await second.runTurn('reverse during')).text).toContain('"gnirud"');

    await expect(second.signIn()).rejects.toThrow(/^cannot reach the identity provider at localhost:\d+ \(ECONNREFUSED\)$/);
    expect(second.getStatus().auth.state).not.toBe('signing-in');
    // The failed sign-in did not cost the session its working token.
    expect((await second.runTurn('reverse after')).text).toContain('"retfa"');
  });
});
