import type { ElicitRequestParams, ElicitResult } from '@modelcontextprotocol/client';
import type { Authenticator } from '../../auth/login/types.js';
import type { Env } from '../../config/load.js';
import type { AgentConfig } from '../config.js';
import type { AuthenticatorFactory } from './auth/session-auth.js';
import type { SignInGate } from './auth/sign-in-gate.js';
import { Conversation } from './conversation.js';
import { TURN_ALREADY_RUNNING, type AgentEngine, type TurnOptions, type TurnResult } from './engine-types.js';
import { serverLogDir } from './host/paths.js';
import type { ServerConfig } from './host/server-config.js';
import { ServerHost, type TransportFactory } from './host/server-host.js';
import { createTransport, type StdioExit } from './mcp/transports.js';
import { DemoModel } from './model/demo/model.js';
import { lazyClaudeModel } from './model/lazy-claude.js';
import type { ChatModel } from './model/types.js';
import { Approver, type ApproverDeps } from './permissions/approver.js';
import type { Trust } from './permissions/policy.js';
import type { SamplingRequest } from './sampling.js';
import { serverQuestions } from './server-questions.js';
import { StatusStore } from './status-store.js';
import { ToolCallRegistry } from './tool-calls/registry.js';
import { runTurn } from './turn.js';

export interface AgentEngineDeps {
  /** A ready Authenticator (tests, or a caller that built it); wins over `createAuthenticator`. */
  authenticator?: Authenticator;
  /** Builds the Authenticator on first need, again with discovered settings if the first try fails. */
  createAuthenticator?: AuthenticatorFactory;
  /** The sign-in of one `entra` server (its own scope/tenant); default `createAuthenticator` for all. */
  authenticatorFor?: (server: ServerConfig) => AuthenticatorFactory | undefined;
  /** Which servers may receive which tokens (auth/login/sign-in-policy.ts); absent for a caller-configured Authenticator. */
  gate?: SignInGate;
  /** The gate of one `entra` server; default `gate` for all. */
  gateFor?: (server: ServerConfig) => SignInGate | undefined;
  /** How the user approves a refused server in this front end (e.g. "run again with --approve-server"). */
  approvalHint?: string;
  /** Builds each server's transport; default the real ones (HTTP, SSE, stdio). */
  createTransport?: TransportFactory;
  /** Where `bearer` servers' token variables are read, and stdio servers' safe base environment. */
  env?: Env;
  /** stdio servers' stderr logs; default ~/.config/warden/logs. */
  logDir?: string;
  /** For the MCP transport, RFC 9728 discovery and the Anthropic API. */
  fetch?: typeof fetch;
  /** Wall clock (epoch ms) for token expiry and call timestamps. */
  now?: () => number;
  /** The model; default Claude when ANTHROPIC_API_KEY is set, else the demo model. */
  model?: ChatModel;
  /** A server's question for the user (elicitation), answered by the front end; default: declined. */
  elicit?: (server: string, params: ElicitRequestParams, signal: AbortSignal, callId?: string) => Promise<ElicitResult>;
  /** Whether a server may use the chat's model for this request (sampling); default: no. */
  approveSampling?: (request: SamplingRequest, signal: AbortSignal, callId?: string) => Promise<boolean>;
  /** Which calls run, and how to ask (agent/core/permissions); absent: every call runs (tests, library use). */
  permissions?: Omit<ApproverDeps, 'trustOf' | 'plainNames'>;
}

/** A server's trust: its configured `trust`, else `read-only` for the server the user named (shortcut, demo), `ask` for files. */
function trustOf(server: ServerConfig): Trust {
  return server.trust ?? (server.source.kind === 'shortcut' ? 'read-only' : 'ask');
}

/** The one-server shortcut (MCP_SERVER_URL / --server) as a server configuration. */
function shortcutServer(serverUrl: string): ServerConfig {
  return { name: 'server', source: { kind: 'shortcut' }, type: 'http', url: serverUrl, headers: {} };
}

/** The agent engine both front ends (print mode, TUI) drive: MCP servers, sign-in, model loop, call registry. */
export function createAgentEngine(config: AgentConfig, deps: AgentEngineDeps = {}): AgentEngine {
  const model = deps.model ?? (config.anthropic ? lazyClaudeModel(config.anthropic, { ...(deps.fetch && { fetch: deps.fetch }) }) : new DemoModel());
  const registry = new ToolCallRegistry({ ...(deps.now && { now: deps.now }) });
  const servers = config.servers ?? [shortcutServer(config.serverUrl)];
  let host: ServerHost | undefined;
  const summary = () => ({
    serverUrl: host?.statuses()[0]?.target ?? config.serverUrl,
    connection: host?.connectionSummary() ?? { state: 'connecting' as const },
    auth: host?.authSummary() ?? (config.noAuth ? { state: 'disabled' as const } : { state: 'signed-out' as const }),
    model: model.info,
    servers: host?.statuses() ?? [],
  });
  const status = new StatusStore(summary());
  const createAuthenticator = deps.createAuthenticator;
  const logDir = deps.logDir ?? serverLogDir();
  const onExit = (exit: StdioExit): void => {
    if (!exit.expected) host?.serverExited(exit.server, `${exit.reason} (log: ${exit.logFile})`);
  };
  host = new ServerHost(servers, {
    noAuth: config.noAuth,
    createTransport: deps.createTransport ?? ((server, d) => createTransport(server, { ...d, ...(deps.env && { env: deps.env }), logDir, onExit })),
    authenticatorFor: deps.authenticatorFor ?? (() => createAuthenticator),
    gateFor: deps.gateFor ?? (() => deps.gate),
    ...(deps.approvalHint && { approvalHint: deps.approvalHint }),
    ...(deps.authenticator && { authenticator: deps.authenticator }),
    ...(deps.env && { env: deps.env }),
    ...(deps.fetch && { fetch: deps.fetch }),
    ...(deps.now && { now: deps.now }),
    ...(config.roots && { roots: [process.cwd(), ...config.roots] }),
    ...(config.mcpConnectTimeoutMs !== undefined && { connectTimeoutMs: config.mcpConnectTimeoutMs }),
    ...(config.mcpCallTimeoutMs !== undefined && { callTimeoutMs: config.mcpCallTimeoutMs }),
    // A question goes to the front end's answerer (-p), else to the asking call's pane.
    questions: serverQuestions({ registry, model, ...(deps.elicit && { elicit: deps.elicit }), ...(deps.approveSampling && { approveSampling: deps.approveSampling }) }),
    onChange: () => status.replace(summary()),
  });
  status.replace(summary());
  const conversation = new Conversation();
  const turns = new Set<AbortController>();
  let starting: Promise<void> | undefined;
  const tools = host;
  const approver = deps.permissions
    ? new Approver({
        ...deps.permissions,
        trustOf: (name) => {
          const server = servers.find((s) => s.name === name);
          return server ? trustOf(server) : 'ask';
        },
        plainNames: !tools.prefixNames,
      })
    : undefined;

  return {
    registry,
    getStatus: () => status.get(),
    subscribeStatus: (listener) => status.subscribe(listener),

    start() {
      // The outcome (connected, unreachable, sign-in needed) is in the status; start never throws.
      starting ??= tools.start();
      return starting;
    },

    settled: (ms: number) => tools.settled(ms),

    async runTurn(prompt: string, options: TurnOptions = {}): Promise<TurnResult> {
      if (turns.size > 0) {
        return { text: '', callIds: [], usage: { inputTokens: 0, outputTokens: 0 }, stopReason: 'error', error: TURN_ALREADY_RUNNING };
      }
      // Our own controller lets close() stop a running turn too.
      const controller = new AbortController();
      const signal = options.signal ? AbortSignal.any([options.signal, controller.signal]) : controller.signal;
      turns.add(controller);
      try {
        return await runTurn({ model, tools, registry, conversation, maxTurns: config.maxTurns, ...(approver && { approver }) }, prompt, { ...options, signal });
      } finally {
        turns.delete(controller);
      }
    },

    async listTools() {
      const { catalog } = await tools.prepare({ connect: true });
      const offered = catalog.tools.map((t) => ({ name: t.tool, description: t.definition.description, ...(tools.prefixNames && { server: t.server }) }));
      const withheld = tools.withheld().map((t) => ({ name: t.name, description: '', ...(tools.prefixNames && { server: t.server }), withheld: t.reason }));
      return [...offered, ...withheld];
    },

    signIn: (signal?: AbortSignal, server?: string) => tools.signIn(signal, server),

    reconnectServer: (name: string) => tools.reconnect(name),

    serverLogs: (name) => tools.logs(name),

    setRoots: (paths) => tools.setRoots(paths),

    setServerLogLevel: (name, level) => tools.setLogLevel(name, level),

    async signOut() {
      await tools.signOut();
    },

    answerApproval: (approved: boolean) => tools.answerApproval(approved),

    answerCall: (callId, answer) => registry.answer(callId, answer),

    permissionRules: () => ({ ...(approver?.fileRules() ?? { allow: [], deny: [] }), saved: approver?.savedRules() ?? [] }),

    forgetRule: async (rule) => (approver ? approver.forget(rule) : false),

    clearHistory() {
      conversation.clear();
      registry.clearFinished();
    },

    async close() {
      for (const controller of turns) controller.abort(new Error('the agent is closing'));
      await tools.close();
    },
  };
}
