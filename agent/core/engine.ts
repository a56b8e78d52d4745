import type { Authenticator } from '../../auth/login/types.js';
import type { AgentConfig } from '../config.js';
import { SessionAuth, type AuthenticatorFactory } from './auth/session-auth.js';
import type { SignInGate } from './auth/sign-in-gate.js';
import { Conversation } from './conversation.js';
import type { AgentEngine, TurnOptions, TurnResult } from './engine-types.js';
import { McpSession } from './mcp/session.js';
import { DemoModel } from './model/demo/model.js';
import { lazyClaudeModel } from './model/lazy-claude.js';
import type { ChatModel } from './model/types.js';
import { StatusStore } from './status-store.js';
import { ToolCallRegistry } from './tool-calls/registry.js';
import { runTurn } from './turn.js';

export interface AgentEngineDeps {
  /** A ready Authenticator (tests, or a caller that built it); wins over `createAuthenticator`. */
  authenticator?: Authenticator;
  /** Builds the Authenticator on first need, again with discovered settings if the first try fails. */
  createAuthenticator?: AuthenticatorFactory;
  /** Which servers may receive which tokens (auth/login/sign-in-policy.ts); absent for a caller-configured Authenticator. */
  gate?: SignInGate;
  /** How the user approves a refused server in this front end (e.g. "run again with --approve-server"). */
  approvalHint?: string;
  /** For the MCP transport, RFC 9728 discovery and the Anthropic API. */
  fetch?: typeof fetch;
  /** Wall clock (epoch ms) for token expiry and call timestamps. */
  now?: () => number;
  /** The model; default Claude when ANTHROPIC_API_KEY is set, else the demo model. */
  model?: ChatModel;
}

/** The agent engine both front ends (print mode, TUI) drive: MCP session, sign-in, model loop, call registry. */
export function createAgentEngine(config: AgentConfig, deps: AgentEngineDeps = {}): AgentEngine {
  const model = deps.model ?? (config.anthropic ? lazyClaudeModel(config.anthropic, { ...(deps.fetch && { fetch: deps.fetch }) }) : new DemoModel());
  const registry = new ToolCallRegistry({ ...(deps.now && { now: deps.now }) });
  const status = new StatusStore({
    serverUrl: config.serverUrl,
    connection: { state: 'connecting' },
    auth: config.noAuth ? { state: 'disabled' } : { state: 'signed-out' },
    model: model.info,
  });
  const auth = config.noAuth
    ? undefined
    : new SessionAuth({
        serverUrl: config.serverUrl,
        ...(deps.authenticator && { authenticator: deps.authenticator }),
        ...(deps.createAuthenticator && { createAuthenticator: deps.createAuthenticator }),
        ...(deps.fetch && { fetch: deps.fetch }),
        ...(deps.now && { now: deps.now }),
        ...(deps.gate && { gate: deps.gate }),
        ...(deps.approvalHint && { approvalHint: deps.approvalHint }),
        onState: (state) => status.setAuth(state),
      });
  const session = new McpSession({
    url: config.serverUrl,
    ...(auth && { authProvider: auth.provider() }),
    ...(deps.fetch && { fetch: deps.fetch }),
    onConnection: (state) => status.setConnection(state),
  });
  const conversation = new Conversation();
  const turns = new Set<AbortController>();
  let starting: Promise<void> | undefined;

  return {
    registry,
    getStatus: () => status.get(),
    subscribeStatus: (listener) => status.subscribe(listener),

    start() {
      // The outcome (connected, unreachable, sign-in needed) is in the status; start never throws.
      starting ??= session.connect().then(
        () => undefined,
        () => undefined,
      );
      return starting;
    },

    async runTurn(prompt: string, options: TurnOptions = {}): Promise<TurnResult> {
      if (turns.size > 0) {
        return { text: '', callIds: [], usage: { inputTokens: 0, outputTokens: 0 }, stopReason: 'error', error: 'a turn is already running' };
      }
      // Our own controller lets close() stop a running turn too.
      const controller = new AbortController();
      const signal = options.signal ? AbortSignal.any([options.signal, controller.signal]) : controller.signal;
      turns.add(controller);
      try {
        return await runTurn({ model, session, registry, conversation, maxTurns: config.maxTurns }, prompt, { ...options, signal });
      } finally {
        turns.delete(controller);
      }
    },

    async listTools() {
      return (await session.tools()).map((tool) => ({ name: tool.name, description: tool.description ?? tool.title ?? '' }));
    },

    async signIn(signal?: AbortSignal) {
      if (!auth) throw new Error('authentication is off (--no-auth): there is nothing to sign in to');
      await auth.signIn(signal);
      // The new token goes out on a fresh connection, which also refreshes the status and tool list.
      await session.reconnect().catch(() => undefined);
    },

    async signOut() {
      await auth?.signOut();
    },

    async answerApproval(approved: boolean) {
      if (!auth) return;
      await auth.answerApproval(approved);
      if (approved) await session.reconnect().catch(() => undefined);
    },

    clearHistory() {
      conversation.clear();
      registry.clearFinished();
    },

    async close() {
      for (const controller of turns) controller.abort(new Error('the agent is closing'));
      // Closing is best effort: nothing is left to report a failure to.
      await session.close().catch(() => undefined);
    },
  };
}
