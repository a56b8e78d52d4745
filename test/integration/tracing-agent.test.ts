/**
 * One trace from the agent's turn to the server's handling of its tool call: the agent's engine and
 * Warden's server in this process, an in-process OpenTelemetry exporter seeing both. The server's
 * request runs in the context of its own socket, so it can only continue the agent's trace through
 * what went over the wire (the traceparent header, and the call's `_meta`).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { permissionDeps } from '../../agent/commands/permission-setup.js';
import { loadAgentConfig } from '../../agent/config.js';
import type { AuditLog } from '../../agent/core/permissions/audit-log.js';
import { createAgentEngine } from '../../agent/core/engine.js';
import type { AgentEngine } from '../../agent/core/engine-types.js';
import { startTelemetry, type Telemetry } from '../../config/telemetry.js';
import { startFakeAnthropic, toolUse, type FakeAnthropic } from '../helpers/anthropic-server.js';
import { MintingAuthenticator } from '../helpers/minting-authenticator.js';
import { startTestServer, type TestServer } from '../helpers/server-harness.js';
import { fixedSignIns } from '../helpers/sign-ins.js';
import { API_APP_ID, startTokenMinter, TENANT_ID, type TokenMinter } from '../helpers/token-minter.js';

describe('a traced turn, from the agent to the server and back (in-process exporter)', () => {
  const exporter = new InMemorySpanExporter();
  let telemetry: Telemetry | undefined;
  let minter: TokenMinter;
  let mcp: TestServer;
  let claude: FakeAnthropic;
  let engine: AgentEngine;
  let authenticator: MintingAuthenticator;
  const dir = mkdtempSync(join(tmpdir(), 'warden-tracing-'));
  const auditFile = join(dir, 'audit.log');
  let permissions: ReturnType<typeof permissionDeps>['permissions'];
  let audit: AuditLog;
  /** What start() traced (each test then starts from an empty exporter). */
  let startSpans: ReadableSpan[] = [];

  beforeAll(async () => {
    telemetry = await startTelemetry({ serviceName: 'warden-test', exporter });
    minter = await startTokenMinter();
    mcp = await startTestServer({ ENTRA_TENANT_ID: TENANT_ID, ENTRA_API_AUDIENCE: API_APP_ID, ENTRA_AUTHORITY_HOST: minter.authorityHost, REVERSE_STEP_MS: '10' });
    claude = await startFakeAnthropic();
    authenticator = new MintingAuthenticator(minter, { signedIn: true });
    const config = loadAgentConfig({
      MCP_SERVER_URL: mcp.server.url,
      ANTHROPIC_API_KEY: 'sk-ant-test-trace',
      ANTHROPIC_BASE_URL: claude.url,
      ANTHROPIC_MODEL: 'claude-test-model',
    });
    // The audit log of tool decisions: its lines carry the trace they were decided in.
    ({ permissions, audit } = permissionDeps({
      allowedTools: ['server__reverse'],
      disallowedTools: [],
      yes: false,
      files: { allow: [], deny: [], saved: [] },
      canAsk: false,
      userFile: join(dir, 'mcp.json'),
      auditFile,
      onWarning: () => undefined,
    }));
    engine = createAgentEngine(config, { signIns: fixedSignIns(authenticator), permissions });
    await engine.start();
    startSpans = exporter.getFinishedSpans();
  });
  beforeEach(() => exporter.reset());
  afterAll(async () => {
    await engine.close();
    await mcp.server.close();
    await claude.close();
    await minter.close();
    await telemetry?.shutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  const spanNamed = (spans: ReadableSpan[], name: string, match: (s: ReadableSpan) => boolean = () => true) => spans.find((s) => s.name === name && match(s));
  const parentOf = (span: ReadableSpan | undefined) => span?.parentSpanContext?.spanId;
  const idOf = (span: ReadableSpan | undefined) => span?.spanContext().spanId;

  it('turn → model requests (GenAI conventions) → MCP tool call → the server’s request, token check and tool: one trace ID', async () => {
    claude.enqueue(toolUse([{ id: 'toolu_1', name: 'reverse', input: { text: 'traced' } }]), () => ({
      kind: 'stream',
      content: [{ type: 'text', text: 'It is "decart".' }],
      stopReason: 'end_turn',
      usage: { input_tokens: 12, output_tokens: 7, cache_read_input_tokens: 900, cache_creation_input_tokens: 40 },
    }));
    const result = await engine.runTurn('reverse traced');
    expect(result.stopReason).toBe('end_turn');
    await mcp.logger.waitFor((r) => r.event === 'request' && r.tool === 'reverse');
    const spans = exporter.getFinishedSpans();

    const turn = spanNamed(spans, 'warden turn');
    expect(turn?.parentSpanContext).toBeUndefined();
    const traceId = turn?.spanContext().traceId;
    expect(spans.every((s) => s.spanContext().traceId === traceId)).toBe(true);

    const models = spans.filter((s) => s.name === 'chat claude-test-model');
    expect(models).toHaveLength(2);
    expect(models.every((m) => parentOf(m) === idOf(turn))).toBe(true);
    expect(models[0]?.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'anthropic',
      'gen_ai.request.model': 'claude-test-model',
      'gen_ai.response.finish_reasons': ['tool_use'],
    });
    // Input counts every input token: uncached 12 + read from the cache 900 + written to it 40.
    expect(models[1]?.attributes).toMatchObject({
      'gen_ai.response.finish_reasons': ['end_turn'],
      'gen_ai.usage.input_tokens': 952,
      'gen_ai.usage.output_tokens': 7,
      'gen_ai.usage.cache_read.input_tokens': 900,
      'gen_ai.usage.cache_creation.input_tokens': 40,
    });

    const call = spanNamed(spans, 'tools/call reverse', (s) => s.kind === 2 /* CLIENT */);
    expect(parentOf(call)).toBe(idOf(turn));
    expect(call?.attributes).toMatchObject({ 'gen_ai.tool.name': 'reverse', 'warden.mcp.server': 'server', 'warden.tool.status': 'ok' });
    expect(call?.events.filter((e) => e.name === 'progress').map((e) => e.attributes?.['mcp.progress'])).toEqual([1, 2, 3, 4, 5]);

    // The server's side: its request span continues the agent's call span, from the wire (a remote parent).
    const request = spanNamed(spans, 'POST /mcp', (s) => s.attributes['gen_ai.tool.name'] === 'reverse');
    expect(parentOf(request)).toBe(idOf(call));
    expect(request?.parentSpanContext?.isRemote).toBe(true);
    expect(parentOf(spanNamed(spans, 'verify token', (s) => parentOf(s) === idOf(request)))).toBe(idOf(request));
    const served = spanNamed(spans, 'tools/call reverse', (s) => s.kind === 0 /* INTERNAL */);
    expect(parentOf(served)).toBe(idOf(request));
    expect(served?.events.map((e) => e.attributes?.['mcp.progress'])).toEqual([1, 2, 3, 4, 5]);

    // The server's log line for that request carries the same trace.
    expect(mcp.logger.events('request').find((r) => r.tool === 'reverse')).toMatchObject({ trace_id: traceId, span_id: idOf(request) });
    // And so does the agent's audit line for the decision to run it.
    await audit.flushed();
    const decided = readFileSync(auditFile, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(decided).toEqual([expect.objectContaining({ server: 'server', tool: 'reverse', decision: 'allow', trace_id: traceId })]);
    // Nothing secret in any span: not the access token, not the API key, not the prompt.
    const recorded = JSON.stringify(spans.map((s) => [s.name, s.attributes, s.events, s.resource.attributes]));
    const token = (await authenticator.acquireTokenSilently())?.accessToken ?? 'no token';
    expect(recorded).not.toContain(token.split('.')[2]);
    expect(recorded).not.toContain('sk-ant-test-trace');
    expect(recorded).not.toContain('reverse traced');
  });

  it('records sign-in as spans: the silent one at start, and an interactive one from the prompt to its outcome', async () => {
    expect(startSpans.find((s) => s.name === 'sign-in')?.attributes).toMatchObject({
      'warden.sign_in.mode': 'silent',
      'warden.sign_in.result': 'signed-in',
      'warden.mcp.server': 'server',
    });

    const signedOut = new MintingAuthenticator(minter);
    const second = createAgentEngine(loadAgentConfig({ MCP_SERVER_URL: mcp.server.url }), { signIns: fixedSignIns(signedOut) });
    try {
      const signingIn = second.signIn();
      (await signedOut.waitForSignIn()).approve();
      await signingIn;
      const span = exporter.getFinishedSpans().find((s) => s.name === 'sign-in' && s.attributes['warden.sign_in.mode'] === 'interactive');
      expect(span?.attributes).toMatchObject({ 'warden.sign_in.result': 'signed-in', 'warden.sign_in.kind': expect.any(String) });
    } finally {
      await second.close();
    }
  });
});
