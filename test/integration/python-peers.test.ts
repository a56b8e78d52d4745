import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAgentConfig } from '../../agent/config.js';
import { createAgentEngine } from '../../agent/core/engine.js';
import type { AgentEngine, ServerStatus } from '../../agent/core/engine-types.js';
import type { ServerConfig } from '../../agent/core/host/server-config.js';
import { BACK_CHANNEL_NOTE } from '../../agent/core/mcp/protocol-version.js';
import { startFakeAnthropic, text, toolResults, toolUse, type FakeAnthropic } from '../helpers/anthropic-server.js';
import { startCli } from '../helpers/cli-process.js';
import { FASTMCP_SERVER, PYTHON_SDK_SERVER, pythonPeers, startPythonHttp, type PythonHttpServer } from '../helpers/python-peers.js';

// Spawns the built CLI (dist/) for -p: run `npm run build` first (`npm test` does).

/**
 * Servers written with FastMCP 4 and the official Python SDK 2.x (from a venv the test makes):
 * their `ctx.elicit` and `ctx.session.create_message` need the 2025 back-channel, which a
 * 2026-07-28 connection does not have. Over stdio Warden speaks 2025-11-25 to them from the start;
 * over HTTP it negotiates 2026-07-28 and switches a server that shows it needs the back-channel;
 * `protocolVersion` in its entry chooses up front.
 */

/** Python servers start in seconds, not milliseconds (imports), and a busy machine makes that several. */
const PYTHON_TEST_MS = 120_000;

const peers = await pythonPeers();
if (!peers.ok) console.warn(`python-peers: skipped, the venv could not be made: ${peers.reason}`);
const python = peers.ok ? peers.python : '';

const stdio = (name: string, script: string, extra: Pick<ServerConfig, 'protocolVersion'> = {}): ServerConfig => ({
  name,
  source: { kind: 'flag', file: 'test.json' },
  type: 'stdio',
  command: python,
  args: [script],
  env: {},
  ...extra,
});
const http = (name: string, url: string, extra: Pick<ServerConfig, 'protocolVersion'> = {}): ServerConfig => ({
  name,
  source: { kind: 'flag', file: 'test.json' },
  type: 'http',
  url,
  headers: {},
  ...extra,
});

describe.skipIf(!peers.ok)(`FastMCP 4 and the Python SDK 2.x as MCP servers${peers.ok ? '' : ` (skipped: ${peers.reason})`}`, () => {
  let claude: FakeAnthropic;
  let fastHttp: PythonHttpServer;
  let sdkHttp: PythonHttpServer;
  const logDir = mkdtempSync(join(tmpdir(), 'warden-python-logs-'));

  beforeAll(async () => {
    [claude, fastHttp, sdkHttp] = await Promise.all([startFakeAnthropic(), startPythonHttp(python, FASTMCP_SERVER), startPythonHttp(python, PYTHON_SDK_SERVER)]);
  });
  afterAll(async () => {
    await Promise.all([claude?.close(), fastHttp?.close(), sdkHttp?.close()]);
  });

  /** An engine on `servers` whose questions are answered by the test: a form with `day`, sampling allowed. */
  const engineOn = (servers: ServerConfig[], home?: string): AgentEngine => {
    const config = loadAgentConfig({ ANTHROPIC_API_KEY: 'sk-ant-test', ANTHROPIC_BASE_URL: claude.url }, { noAuth: true });
    config.servers = servers;
    return createAgentEngine(config, {
      logDir,
      ...(home !== undefined && { home }),
      elicit: async () => ({ action: 'accept', content: { day: 'Friday', seats: 3 } }),
      approveSampling: async () => true,
    });
  };
  const statusOf = (engine: AgentEngine, name: string): ServerStatus | undefined => engine.getStatus().servers.find((s) => s.name === name);

  it(
    '-p over stdio: both servers ask (form defaults from --elicit-json) and sample on 2025-11-25 from the first call',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'warden-python-print-'));
      const config = join(dir, 'servers.json');
      writeFileSync(config, JSON.stringify({ mcpServers: { fast: { command: python, args: [FASTMCP_SERVER] }, sdk: { command: python, args: [PYTHON_SDK_SERVER] } } }));
      const answers = join(dir, 'answers.json');
      writeFileSync(answers, JSON.stringify({ day: 'Friday' }));
      claude.enqueue(
        toolUse([
          { id: 'toolu_fb', name: 'fast__book', input: {} },
          { id: 'toolu_sb', name: 'sdk__book', input: {} },
        ]),
        (request) =>
          text(
            toolResults(request)
              .map((r) => String(r.content))
              .join(' / '),
          )(request),
        toolUse([{ id: 'toolu_fs', name: 'fast__summarise', input: { text: 'a long story' } }]),
        text('It is short.'),
        (request) => text(String(toolResults(request)[0]?.content))(request),
      );
      const run = async (prompt: string) => {
        const cli = startCli(['-p', prompt, '--yes', '--mcp-config', config, '--elicit-json', answers, '--allow-sampling'], {
          cwd: dir,
          env: { HOME: dir, ANTHROPIC_API_KEY: 'sk-ant-test', ANTHROPIC_BASE_URL: claude.url },
        });
        return { code: await cli.exited, stdout: cli.stdout(), stderr: cli.stderr() };
      };
      const booked = await run('book');
      expect(booked.stderr).not.toMatch(/back-channel|unavailable/);
      expect(booked.code).toBe(0);
      // seats: the form's default (2), since the file leaves it out.
      expect(booked.stdout).toMatch(/^booked 2 seats on Friday\n[^/]*\/ booked 2 seats on Friday\n/);
      const summarised = await run('summarise');
      expect(summarised.code).toBe(0);
      expect(summarised.stdout).toContain('summary: It is short.');
    },
    PYTHON_TEST_MS,
  );

  it(
    'over HTTP (2026-07-28 negotiated), a server that refuses to ask without a back-channel is switched to 2025-11-25; the call is not repeated; the next run starts there',
    async () => {
      // Warden's state directory: what this run learns, the next one knows.
      const home = mkdtempSync(join(tmpdir(), 'warden-python-home-'));
      const engine = engineOn([http('fast', fastHttp.url), http('sdk', sdkHttp.url)], home);
      try {
        await engine.start();
        expect(statusOf(engine, 'fast')?.connection).toMatchObject({ state: 'connected', protocolVersion: '2026-07-28' });
        expect(statusOf(engine, 'sdk')?.connection).toMatchObject({ state: 'connected', protocolVersion: '2026-07-28' });
        claude.enqueue(
          toolUse([
            { id: 'toolu_h1', name: 'fast__book', input: {} },
            { id: 'toolu_h2', name: 'sdk__summarise', input: { text: 'x' } },
          ]),
          text('will retry'),
        );
        await engine.runTurn('book and summarise');
        const first = toolResults(claude.requests.at(-1)!).map((r) => String(r.content));
        // FastMCP answers with a tool error, the Python SDK with a JSON-RPC error: both say why, and that nothing was repeated.
        expect(first[0]).toContain('unavailable on 2026-07-28 connections');
        expect(first[1]).toContain('no back-channel for server-initiated requests');
        for (const result of first) expect(result).toContain(BACK_CHANNEL_NOTE);

        claude.enqueue(
          toolUse([
            { id: 'toolu_h3', name: 'fast__book', input: {} },
            { id: 'toolu_h4', name: 'sdk__summarise', input: { text: 'x' } },
          ]),
          text('Sampled.'),
          text('done'),
        );
        await engine.runTurn('again');
        expect(engine.registry.get('toolu_h3')).toMatchObject({ status: 'done', result: expect.stringContaining('booked 3 seats on Friday') });
        expect(engine.registry.get('toolu_h4')).toMatchObject({ status: 'done', result: expect.stringContaining('summary: Sampled.') });
        expect(statusOf(engine, 'fast')?.connection).toMatchObject({ state: 'connected', protocolVersion: '2025-11-25' });
        expect(statusOf(engine, 'sdk')?.connection).toMatchObject({ state: 'connected', protocolVersion: '2025-11-25' });
      } finally {
        await engine.close();
      }

      // A later run: both start on 2025-11-25, so its first question works (nothing to switch, no note).
      const later = engineOn([http('fast', fastHttp.url), http('sdk', sdkHttp.url)], home);
      try {
        await later.start();
        expect(statusOf(later, 'fast')?.connection).toMatchObject({ state: 'connected', protocolVersion: '2025-11-25' });
        expect(statusOf(later, 'sdk')?.connection).toMatchObject({ state: 'connected', protocolVersion: '2025-11-25' });
        claude.enqueue(toolUse([{ id: 'toolu_h5', name: 'fast__book', input: {} }]), text('done'));
        await later.runTurn('book');
        expect(later.registry.get('toolu_h5')).toMatchObject({ status: 'done', result: expect.stringContaining('booked 3 seats on Friday') });
      } finally {
        await later.close();
      }
      // Another server at another URL learned nothing from them.
      const other = engineOn([http('fast', `${fastHttp.url}?other`)], home);
      try {
        await other.start();
        expect(statusOf(other, 'fast')?.connection).toMatchObject({ state: 'connected', protocolVersion: '2026-07-28' });
      } finally {
        await other.close();
      }
    },
    PYTHON_TEST_MS,
  );

  it(
    '"protocolVersion": "2025-11-25" in its entry: the first call over HTTP asks as it should',
    async () => {
      const engine = engineOn([http('sdk', sdkHttp.url, { protocolVersion: '2025-11-25' })]);
      try {
        await engine.start();
        expect(statusOf(engine, 'sdk')?.connection).toMatchObject({ state: 'connected', protocolVersion: '2025-11-25' });
        claude.enqueue(toolUse([{ id: 'toolu_p1', name: 'sdk__book', input: {} }]), text('ok'));
        await engine.runTurn('book');
        expect(engine.registry.get('toolu_p1')).toMatchObject({ status: 'done', result: expect.stringContaining('booked 3 seats on Friday') });
      } finally {
        await engine.close();
      }
    },
    PYTHON_TEST_MS,
  );

  it(
    'a question and a sampling request at once from one call each get their turn in its pane',
    async () => {
      const config = loadAgentConfig({ ANTHROPIC_API_KEY: 'sk-ant-test', ANTHROPIC_BASE_URL: claude.url }, { noAuth: true });
      config.servers = [stdio('sdk', PYTHON_SDK_SERVER)];
      // No answerers: the questions go to the call's record, as in the chat.
      const engine = createAgentEngine(config, { logDir });
      // Answered only once both wait at once (the second behind the first), then each in turn.
      let both = false;
      const unsubscribe = engine.registry.subscribe(() => {
        const call = engine.registry.get('toolu_both');
        both ||= call?.questionsBehind === 1;
        const question = call?.question;
        if (!question || !both) return;
        queueMicrotask(() => {
          if (question.kind === 'elicitation') engine.answerCall('toolu_both', { kind: 'elicitation', action: 'accept', content: { day: 'Monday' } });
          if (question.kind === 'sampling') engine.answerCall('toolu_both', { kind: 'sampling', allowed: true });
        });
      });
      try {
        await engine.start();
        claude.enqueue(toolUse([{ id: 'toolu_both', name: 'sdk__book_and_summarise', input: {} }]), text('Rules: none.'), text('done'));
        await engine.runTurn('both');
        expect(engine.registry.get('toolu_both')).toMatchObject({ status: 'done', result: expect.stringContaining('day Monday; summary: Rules: none.') });
        expect(both).toBe(true);
      } finally {
        unsubscribe();
        await engine.close();
      }
    },
    PYTHON_TEST_MS,
  );

  it(
    'FastMCP on 2026-07-28 advertises listChanged: false and announces a new tool anyway: the next round offers it',
    async () => {
      const engine = engineOn([stdio('fast', FASTMCP_SERVER, { protocolVersion: '2026-07-28' })]);
      try {
        await engine.start();
        expect(statusOf(engine, 'fast')?.connection).toMatchObject({ state: 'connected', protocolVersion: '2026-07-28' });
        claude.enqueue(toolUse([{ id: 'toolu_unlock', name: 'fast__unlock', input: {} }]), toolUse([{ id: 'toolu_secret', name: 'fast__secret', input: {} }]), text('done'));
        await engine.runTurn('unlock');
        expect(claude.requests.at(-2)?.body.tools?.map((t) => t.name)).toContain('fast__secret');
        expect(engine.registry.get('toolu_secret')).toMatchObject({ status: 'done', result: expect.stringContaining('the secret') });
      } finally {
        await engine.close();
      }
    },
    PYTHON_TEST_MS,
  );
});
