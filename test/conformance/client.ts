import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadAgentConfig } from '../../agent/config.js';
import { commandSignIns } from '../../agent/commands/sign-ins.js';
import { createAgentEngine } from '../../agent/core/engine.js';
import type { AgentEngine, ServerStatus } from '../../agent/core/engine-types.js';
import { loadServerConfigs } from '../../agent/core/host/load-servers.js';
import type { ChatModel, ModelRequest, ModelResponse, ToolDefinition } from '../../agent/core/model/types.js';
import { printQuestions } from '../../agent/commands/print-questions.js';
import { errorMessage } from '../../config/error-text.js';

/**
 * Warden as the client the official conformance suite drives (`conformance client --command …`):
 * the suite starts a scenario's servers, runs this with the server's URL as the last argument and
 * the scenario in MCP_CONFORMANCE_SCENARIO (its data, e.g. a pre-registered client, in
 * MCP_CONFORMANCE_CONTEXT), and judges what reached its servers.
 *
 * It is the chat's engine as `warden` builds it — the server from an `mcpServers` file, the sign-in
 * directory, the host, the MCP sessions — with a script at the keyboard and a scripted model: the
 * model calls every tool the server offers once; when a server needs sign-in the script signs in
 * as the chat does (and as a user would, opening the link: here a user agent that follows the
 * authorization server's redirect back to Warden's loopback), then asks again; a form question is
 * answered with the form's defaults (what -p does with an empty --elicit-json).
 * Exit 0 when every call succeeded, 1 otherwise (with the reason on stderr).
 */

/** The suite's fixed client ID metadata document URL (it accepts it without fetching it). */
const CIMD_URL = 'https://conformance-test.local/client-metadata.json';
/** Sign-ins one run allows: the first and step-ups; a server that keeps asking is given up on (the suite checks that a client does). */
const MAX_SIGN_INS = 3;

const scenario = process.env.MCP_CONFORMANCE_SCENARIO ?? '';
const url = process.argv[2];
const context = JSON.parse(process.env.MCP_CONFORMANCE_CONTEXT ?? '{}') as Record<string, unknown>;

/** The `mcpServers` entry a user would write for this scenario's server. */
function serverEntry(serverUrl: string): Record<string, unknown> {
  if (scenario === 'auth/pre-registration') {
    return { type: 'http', url: serverUrl, auth: { kind: 'oauth', clientId: context.client_id, clientSecret: context.client_secret } };
  }
  if (scenario === 'auth/basic-cimd') return { type: 'http', url: serverUrl, auth: { kind: 'oauth', clientMetadataUrl: CIMD_URL } };
  if (scenario.startsWith('auth/')) return { type: 'http', url: serverUrl, auth: { kind: 'oauth' } };
  return { type: 'http', url: serverUrl };
}

/** An argument value that fits a JSON Schema property well enough for a test tool. */
function sample(schema: unknown): unknown {
  const type = (schema as { type?: unknown } | undefined)?.type;
  if (type === 'number' || type === 'integer') return 2;
  if (type === 'boolean') return true;
  if (type === 'array') return [];
  if (type === 'object') return {};
  return 'conformance';
}

function argumentsFor(tool: ToolDefinition): Record<string, unknown> {
  const properties = (tool.input_schema.properties ?? {}) as Record<string, unknown>;
  return Object.fromEntries(Object.entries(properties).map(([name, schema]) => [name, sample(schema)]));
}

/** Calls every tool offered once, then ends the turn. */
const everyToolModel: ChatModel = {
  info: { kind: 'demo' },
  async respond(request: ModelRequest): Promise<ModelResponse> {
    const last = request.messages[request.messages.length - 1];
    const answered = last?.content.some((b) => b.type === 'tool_result') === true;
    const usage = { inputTokens: 0, outputTokens: 0 };
    if (answered || request.tools.length === 0) return { content: [{ type: 'text', text: 'done' }], stopReason: 'end_turn', usage };
    return {
      content: request.tools.map((tool, i) => ({ type: 'tool_use' as const, id: `toolu_${Date.now()}_${i}`, name: tool.name, input: argumentsFor(tool) })),
      stopReason: 'tool_use',
      usage,
    };
  },
};

/** Opens a sign-in link as a browser would: follows the authorization server's redirects, which end at Warden's loopback. */
async function openLink(link: string): Promise<void> {
  const response = await fetch(link, { redirect: 'follow' });
  await response.body?.cancel();
}

/** Signs in to `server` as the chat does when a server needs it, opening the link once it is shown. */
async function signIn(engine: AgentEngine, server: ServerStatus): Promise<void> {
  const cancel = new AbortController();
  let problem: string | undefined;
  let opened = false;
  const unsubscribe = engine.subscribeStatus(() => {
    const auth = engine.getStatus().servers.find((s) => s.name === server.name)?.auth;
    if (opened || auth?.state !== 'signing-in' || !auth.prompt) return;
    opened = true;
    if (auth.prompt.userCode !== undefined) {
      problem = `the sign-in shows a device code (${auth.prompt.verificationUri}), which needs a person`;
      cancel.abort();
      return;
    }
    openLink(auth.prompt.verificationUri).catch((error: unknown) => {
      problem = `opening the sign-in link failed: ${errorMessage(error)}`;
      cancel.abort();
    });
  });
  try {
    await engine.signIn(cancel.signal, server.name);
  } catch (error) {
    throw new Error(problem ?? errorMessage(error));
  } finally {
    unsubscribe();
  }
}

async function main(): Promise<number> {
  if (!url || !scenario) {
    process.stderr.write('usage: MCP_CONFORMANCE_SCENARIO=… client.js SERVER_URL (run by the conformance suite)\n');
    return 2;
  }
  const home = mkdtempSync(join(tmpdir(), 'warden-conformance-'));
  try {
    const file = join(home, 'servers.json');
    writeFileSync(file, JSON.stringify({ mcpServers: { conformance: serverEntry(url) } }));
    // The scenario's server and nothing of the caller's: no ENTRA_*, token cache or API key.
    const env = { PATH: process.env.PATH ?? '', HOME: home, WARDEN_TOKEN_STORE: 'file' };
    const loaded = await loadServerConfigs({ env, home, cwd: home, flags: { mcpConfig: [file] } });
    const config = loadAgentConfig(env, {});
    config.servers = loaded.servers;
    const stderr = process.stderr;
    const io = { env, stdin: process.stdin, stdout: process.stdout, stderr, shutdownSignal: new AbortController().signal, cwd: home, home };
    const engine = createAgentEngine(config, {
      env,
      home,
      cwd: home,
      signIns: commandSignIns(io, { servers: config.servers }),
      model: everyToolModel,
      ...printQuestions({ answers: {}, allowSampling: false, stderr }),
    });
    try {
      await engine.start();
      await engine.settled();
      for (let signIns = 0; ; ) {
        const needing = engine.getStatus().servers.find((s) => s.connection.state === 'sign-in-needed');
        if (needing) {
          if (++signIns > MAX_SIGN_INS) throw new Error(`the server still needs sign-in after ${MAX_SIGN_INS} sign-ins`);
          await signIn(engine, needing);
          await engine.settled();
        }
        const result = await engine.runTurn('Call every tool once.');
        const failed = result.callIds.map((id) => engine.registry.get(id)).filter((r) => r?.status !== 'done');
        if (result.stopReason === 'end_turn' && failed.length === 0) return 0;
        const stillNeeds = engine.getStatus().servers.some((s) => s.connection.state === 'sign-in-needed');
        if (!stillNeeds) throw new Error(result.error ?? failed.map((r) => `${r?.tool}: ${r?.error ?? r?.status}`).join('; '));
      }
    } finally {
      await engine.close();
    }
  } catch (error) {
    process.stderr.write(`conformance client: ${errorMessage(error)}\n`);
    return 1;
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

process.exitCode = await main();
