import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAgentConfig } from '../../agent/config.js';
import { createAgentEngine } from '../../agent/core/engine.js';
import type { AgentEngine, ServerStatus } from '../../agent/core/engine-types.js';
import type { ServerConfig } from '../../agent/core/host/server-config.js';
import { startFakeAnthropic, text, toolResults, toolUse, type FakeAnthropic } from '../helpers/anthropic-server.js';
import { startV1SessionServer, type V1SessionServer } from '../helpers/v1-session-server.js';

/**
 * What a server sends besides results (list changes, log messages), a call that never answers,
 * and the end of a stateful session: a small SDK v2 server over stdio
 * (test/fixtures/stdio/features-server.mjs) and the v1 session server, through the agent.
 */
const FEATURES = fileURLToPath(new URL('../fixtures/stdio/features-server.mjs', import.meta.url));
const features: ServerConfig = { name: 'features', source: { kind: 'flag', file: 'test.json' }, type: 'stdio', command: process.execPath, args: [FEATURES], env: {} };

function waitForStatus(engine: AgentEngine, match: (s: ServerStatus) => boolean): Promise<ServerStatus> {
  return new Promise((resolve) => {
    const check = (): void => {
      const s = engine.getStatus().servers[0];
      if (!s || !match(s)) return;
      unsubscribe();
      resolve(s);
    };
    const unsubscribe = engine.subscribeStatus(check);
    check();
  });
}

describe('a server whose tools change, that logs, and whose call never answers', () => {
  let claude: FakeAnthropic;
  let engine: AgentEngine;

  beforeAll(async () => {
    claude = await startFakeAnthropic();
    const config = loadAgentConfig({ ANTHROPIC_API_KEY: 'sk-ant-test', ANTHROPIC_BASE_URL: claude.url, WARDEN_MCP_CALL_TIMEOUT_MS: '400' }, { noAuth: true });
    config.servers = [features];
    engine = createAgentEngine(config, { logDir: mkdtempSync(join(tmpdir(), 'warden-features-logs-')) });
    await engine.start();
  });
  afterAll(async () => {
    await engine.close();
    await claude.close();
  });

  it('a tool the server adds (tools/list_changed) reaches /tools and the model without a restart', async () => {
    expect((await engine.listTools()).map((t) => t.name)).not.toContain('late_tool');
    claude.enqueue(toolUse([{ id: 'toolu_add', name: 'features__add_tool', input: {} }]), text('added'));
    await engine.runTurn('add a tool');
    await waitForStatus(engine, (s) => s.connection.state === 'connected' && s.connection.toolCount === 5);
    expect((await engine.listTools()).map((t) => t.name)).toContain('late_tool');
    claude.enqueue(toolUse([{ id: 'toolu_late', name: 'features__late_tool', input: {} }]), text('done'));
    await engine.runTurn('use the new tool');
    expect(claude.requests.at(-2)?.body.tools?.map((t) => t.name)).toContain('features__late_tool');
    expect(engine.registry.get('toolu_late')).toMatchObject({ status: 'done', result: 'late tool ran' });
  });

  it('a server that advertises listChanged: false and announces a new tool anyway: the next round offers it', async () => {
    const config = loadAgentConfig({ ANTHROPIC_API_KEY: 'sk-ant-test', ANTHROPIC_BASE_URL: claude.url }, { noAuth: true });
    config.servers = [{ ...features, name: 'quiet', env: { LIST_CHANGED: 'false' } }];
    const quiet = createAgentEngine(config, { logDir: mkdtempSync(join(tmpdir(), 'warden-features-logs-')) });
    try {
      await quiet.start();
      claude.enqueue(toolUse([{ id: 'toolu_qadd', name: 'quiet__add_tool', input: {} }]), toolUse([{ id: 'toolu_qlate', name: 'quiet__late_tool', input: {} }]), text('done'));
      await quiet.runTurn('add a tool and use it');
      expect(claude.requests.at(-2)?.body.tools?.map((t) => t.name)).toContain('quiet__late_tool');
      expect(quiet.registry.get('toolu_qlate')).toMatchObject({ status: 'done', result: 'late tool ran' });
    } finally {
      await quiet.close();
    }
  });

  it('shows log messages at warning and above in the server entry, terminal-safe; all of them on request; the level can be set', async () => {
    claude.enqueue(toolUse([{ id: 'toolu_log', name: 'features__log_some', input: {} }]), text('ok'));
    await engine.runTurn('log');
    const s = await waitForStatus(engine, (x) => (x.logs ?? []).some((l) => l.level === 'error'));
    expect(s.logs?.map((l) => l.level)).toEqual(['warning', 'error']);
    expect(s.logs?.[0]).toMatchObject({ logger: 'features', text: 'warning message from the server' });
    expect(JSON.stringify(s.logs)).not.toMatch(/\\u001b|pwned/);
    expect(engine.serverLogs('features').map((l) => l.level)).toEqual(['info', 'warning', 'error']);
    // It was the server's only call: the messages belong in its pane (the latest one shown).
    expect(engine.registry.get('toolu_log')?.log).toEqual({ level: 'error', text: 'error message from the server' });
    await engine.setServerLogLevel('features', 'info');
    expect(() => engine.serverLogs('nope')).toThrow(/no server named "nope"/);
  });

  it('passes structured content to the model as JSON when the text does not carry it', async () => {
    claude.enqueue(toolUse([{ id: 'toolu_struct', name: 'features__structured', input: {} }]), text('ok'));
    await engine.runTurn('structured');
    const content = String(toolResults(claude.requests.at(-1)!)[0]?.content);
    expect(content).toContain('see the structured content');
    expect(content).toContain('structured content: {"answer":42,"unit":"widgets"}');
  });

  it('a call that sends nothing fails after WARDEN_MCP_CALL_TIMEOUT_MS with a line naming the server', async () => {
    claude.enqueue(toolUse([{ id: 'toolu_endless', name: 'features__endless', input: {} }]), text('gave up'));
    const started = Date.now();
    await engine.runTurn('wait forever');
    expect(Date.now() - started).toBeLessThan(5000);
    const record = engine.registry.get('toolu_endless');
    expect(record).toMatchObject({ status: 'error', error: `server "features": the MCP server at ${process.execPath} sent nothing for 400 ms during endless (call timeout)` });
  });
});

describe('a stateful HTTP server', () => {
  let notes: V1SessionServer;
  let claude: FakeAnthropic;

  beforeAll(async () => {
    [notes, claude] = await Promise.all([startV1SessionServer(), startFakeAnthropic()]);
  });
  afterAll(async () => {
    await Promise.all([notes.close(), claude.close()]);
  });

  it("a tool it adds during a call (list_changed on its GET stream, after the result) is offered in the same turn's next round", async () => {
    const unlocking = await startV1SessionServer({ unlock: true });
    const config = loadAgentConfig({ ANTHROPIC_API_KEY: 'sk-ant-test', ANTHROPIC_BASE_URL: claude.url }, { noAuth: true });
    config.servers = [{ name: 'notes', source: { kind: 'flag', file: 'test.json' }, type: 'http', url: unlocking.url, headers: {} }];
    const engine = createAgentEngine(config);
    try {
      await engine.start();
      claude.enqueue(toolUse([{ id: 'toolu_unlock', name: 'notes__unlock', input: {} }]), toolUse([{ id: 'toolu_secret', name: 'notes__secret', input: {} }]), text('done'));
      await engine.runTurn('unlock and use the secret');
      expect(claude.requests.at(-2)?.body.tools?.map((t) => t.name)).toContain('notes__secret');
      expect(engine.registry.get('toolu_secret')).toMatchObject({ status: 'done', result: 'the secret' });
    } finally {
      await engine.close();
      await unlocking.close();
    }
  });

  it('gets DELETE for its session when the agent closes', async () => {
    const config = loadAgentConfig({ ANTHROPIC_API_KEY: 'sk-ant-test', ANTHROPIC_BASE_URL: claude.url }, { noAuth: true });
    config.servers = [{ name: 'notes', source: { kind: 'flag', file: 'test.json' }, type: 'http', url: notes.url, headers: {} }];
    const engine = createAgentEngine(config);
    await engine.start();
    expect(notes.sessions).toHaveLength(1);
    await engine.close();
    expect(notes.terminated).toEqual(notes.sessions);
  });
});
