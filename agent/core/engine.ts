import type { ElicitRequestParams, ElicitResult } from '@modelcontextprotocol/client';
import { errorMessage } from '../../config/error-text.js';
import type { Env } from '../../config/load.js';
import type { AgentConfig } from '../config.js';
import { createSignInDirectory, type SignInDirectory } from './auth/server-sign-in.js';
import { ConversationSession } from './conversation-session.js';
import { TURN_ALREADY_RUNNING, type AgentEngine, type Compaction, type ResumedConversation, type TurnEvent, type TurnOptions, type TurnResult } from './engine-types.js';
import type { Scheduler } from './host/back-off.js';
import { protocolStoreFile, serverLogDir } from './host/paths.js';
import { serverSecrets } from './host/redact.js';
import type { ServerConfig } from './host/server-config.js';
import { isUsersOwnServer, serverIdentity } from './host/server-identity.js';
import { ServerHost, type TransportFactory } from './host/server-host.js';
import { createTransport, type StdioExit } from './mcp/transports.js';
import { DemoModel } from './model/demo/model.js';
import { lazyClaudeModel } from './model/lazy-claude.js';
import { type ChatModel, modelName } from './model/types.js';
import { Approver, type ApproverDeps } from './permissions/approver.js';
import type { Trust } from './permissions/policy.js';
import { secretScrubber } from './redaction.js';
import type { SamplingRequest } from './sampling.js';
import { serverQuestions } from './server-questions.js';
import { StatusStore } from './status-store.js';
import { Notices } from './notices.js';
import { ToolCallRegistry } from './tool-calls/registry.js';
import { traceTurn, tracedModel, tracedTools } from './telemetry/spans.js';
import { runTurn } from './turn.js';
import { mentionCompletions, promptArgumentCompletions, promptSummaries } from './user-input/completions.js';
import { prepareTurnInput, type TurnInput } from './user-input/turn-input.js';

export interface AgentEngineDeps {
  /**
   * Each server's sign-in (agent/core/auth/server-sign-in.ts); default: from its `auth` entry and
   * `env`, with the token cache under `home`.
   */
  signIns?: SignInDirectory;
  /**
   * The user's home directory: the default sign-ins' token cache, the stdio servers' logs and the
   * protocol revisions learned about servers live under it (absent: those need WARDEN_TOKEN_CACHE
   * and `logDir`, and nothing is learned across runs).
   */
  home?: string;
  /** The working directory: offered to servers as a root (with WARDEN_MCP_ROOTS). */
  cwd?: string;
  /** Where lines for the user go (the front end listens); default: a channel of the engine's own. */
  notices?: Notices;
  /** Builds each server's transport; default the real ones (HTTP, SSE, stdio). */
  createTransport?: TransportFactory;
  /** Where `bearer` servers' token variables are read, and stdio servers' safe base environment (default: none). */
  env?: Env;
  /** stdio servers' stderr logs; default ~/.config/warden/logs under `home`. */
  logDir?: string;
  /** For the MCP transport, RFC 9728 discovery and the Anthropic API. */
  fetch?: typeof fetch;
  /** Wall clock (epoch ms) for token expiry and call timestamps. */
  now?: () => number;
  /** Timers for reconnecting a failed server (back-off); default real ones (tests fire them at will). */
  schedule?: Scheduler;
  /** The model; default Claude when ANTHROPIC_API_KEY is set, else the demo model. */
  model?: ChatModel;
  /** A server's question for the user (elicitation), answered by the front end; default: declined. */
  elicit?: (server: string, params: ElicitRequestParams, signal: AbortSignal, callId?: string) => Promise<ElicitResult>;
  /** Whether a server may use the chat's model for this request (sampling); default: no. */
  approveSampling?: (request: SamplingRequest, signal: AbortSignal, callId?: string) => Promise<boolean>;
  /** Which calls run, and how to ask (agent/core/permissions); absent: every call runs (tests, library use). */
  permissions?: Omit<ApproverDeps, 'trustOf' | 'identityOf' | 'plainNames'>;
  /** Where conversations are saved, and the directory this one belongs to; absent: nothing is saved (tests, library use). */
  conversations?: { dir: string; cwd: string; onError?: (message: string) => void };
  /**
   * A front end that signs in (the chat): a call refused for want of a sign-in waits for it and
   * then goes on; absent: it fails at once (-p).
   */
  holdCallsForSignIn?: boolean;
}

/** How long a resumed conversation waits for servers to connect before it says which of its tools are gone. */
const GONE_CHECK_WAIT_MS = 5000;

/** A server's trust: its configured `trust`, else `read-only` for the server the user named (shortcut, demo), `ask` for files. */
function trustOf(server: ServerConfig): Trust {
  return server.trust ?? (server.source.kind === 'shortcut' ? 'read-only' : 'ask');
}

/** The one-server shortcut (MCP_SERVER_URL / --server) as a server configuration. */
function shortcutServer(config: AgentConfig): ServerConfig {
  return { name: 'server', source: { kind: 'shortcut', ...(config.serverUrlVia && { via: config.serverUrlVia }) }, type: 'http', url: config.serverUrl, headers: {} };
}

/** The agent engine both front ends (print mode, TUI) drive: MCP servers, sign-in, model loop, call registry. */
export function createAgentEngine(config: AgentConfig, deps: AgentEngineDeps = {}): AgentEngine {
  const model = deps.model ?? (config.anthropic ? lazyClaudeModel(config.anthropic, { ...(deps.fetch && { fetch: deps.fetch }) }) : new DemoModel());
  const registry = new ToolCallRegistry({ ...(deps.now && { now: deps.now }) });
  const servers = config.servers ?? [shortcutServer(config)];
  let host: ServerHost | undefined;
  let session: ConversationSession | undefined;
  const summary = () => {
    const usage = session?.status();
    return {
      connection: host?.connectionSummary() ?? { state: 'connecting' as const },
      auth: host?.authSummary() ?? (config.noAuth ? { state: 'disabled' as const, why: 'no-auth' as const } : { state: 'signed-out' as const }),
      model: model.info,
      servers: host?.statuses() ?? [],
      ...(usage && { usage }),
    };
  };
  const status = new StatusStore(summary());
  const logDir = deps.logDir ?? (deps.home !== undefined ? serverLogDir(deps.home) : undefined);
  // What earlier runs learned about servers' protocol revisions (an HTTP server that needs the 2025 back-channel).
  const protocolStore = deps.home !== undefined ? protocolStoreFile(deps.home) : undefined;
  const env = deps.env ?? {};
  const onExit = (exit: StdioExit): void => {
    if (!exit.expected) host?.serverExited(exit.server, `${exit.reason} (log: ${exit.logFile})`);
  };
  const signIns =
    deps.signIns ??
    createSignInDirectory({
      env,
      ...(deps.home !== undefined && { home: deps.home }),
      ...(deps.cwd !== undefined && { cwd: deps.cwd }),
      noAuth: config.noAuth,
      servers,
      ...(deps.fetch && { fetch: deps.fetch }),
      ...(deps.now && { now: deps.now }),
    });
  host = new ServerHost(servers, {
    noAuth: config.noAuth,
    signIns,
    createTransport:
      deps.createTransport ??
      (async (server, d) => {
        if (server.type === 'stdio' && logDir === undefined) throw new Error(`no log directory for the stdio server "${server.name}" (the engine was given no home)`);
        return createTransport(server, { ...d, env, logDir: logDir ?? '', onExit });
      }),
    ...(deps.env && { env: deps.env }),
    ...(deps.fetch && { fetch: deps.fetch }),
    ...(deps.now && { now: deps.now }),
    ...(deps.schedule && { schedule: deps.schedule }),
    roots: [...(deps.cwd !== undefined ? [deps.cwd] : []), ...(config.roots ?? [])],
    ...(config.mcpConnectTimeoutMs !== undefined && { connectTimeoutMs: config.mcpConnectTimeoutMs }),
    ...(config.mcpCallTimeoutMs !== undefined && { callTimeoutMs: config.mcpCallTimeoutMs }),
    ...(protocolStore !== undefined && { protocolStore }),
    ...(deps.holdCallsForSignIn && { holdCallsForSignIn: true }),
    // A question goes to the front end's answerer (-p), else to the asking call's pane.
    questions: serverQuestions({ registry, model, ...(deps.elicit && { elicit: deps.elicit }), ...(deps.approveSampling && { approveSampling: deps.approveSampling }) }),
    onChange: () => status.replace(summary()),
  });
  status.replace(summary());
  const conversations = new ConversationSession({
    model,
    context: config.context,
    servers,
    registry,
    now: deps.now ?? Date.now,
    // Everything the session knows to be secret never reaches the file.
    scrub: secretScrubber([config.anthropic?.apiKey, ...servers.flatMap((s) => serverSecrets(s, deps.env ?? {}))]),
    ...(deps.conversations && { saved: deps.conversations }),
    onChange: () => status.replace(summary()),
  });
  session = conversations;
  const { conversation, context } = conversations;
  /** The running turn's listener: approvals decided inside the approver reach it too. */
  let turnEvents: ((event: TurnEvent) => void) | undefined;
  const turns = new Set<AbortController>();
  let starting: Promise<void> | undefined;
  const tools = host;
  const permissions = deps.permissions;
  const approver = permissions
    ? new Approver({
        ...permissions,
        audit: (entry) => {
          permissions.audit?.(entry);
          conversations.approval(entry);
          turnEvents?.({
            type: 'approval',
            ...(entry.callId !== undefined && { callId: entry.callId }),
            server: entry.server,
            tool: entry.tool,
            decision: entry.decision,
            source: entry.source,
          });
        },
        trustOf: (name) => {
          const server = servers.find((s) => s.name === name);
          return server ? trustOf(server) : 'ask';
        },
        identityOf: (name) => {
          const server = servers.find((s) => s.name === name);
          return server ? { id: serverIdentity(server), usersOwn: isUsersOwnServer(server) } : { id: '', usersOwn: false };
        },
        plainNames: !tools.prefixNames,
      })
    : undefined;

  return {
    registry,
    notices: deps.notices ?? new Notices(),
    getStatus: () => status.get(),
    subscribeStatus: (listener) => status.subscribe(listener),

    start() {
      // The outcome (connected, unreachable, sign-in needed) is in the status; start never throws.
      starting ??= tools.start();
      return starting;
    },

    settled: (ms?: number) => tools.settled(ms),

    async runTurn(prompt: string, options: TurnOptions = {}): Promise<TurnResult> {
      if (turns.size > 0) {
        return { text: '', callIds: [], usage: { inputTokens: 0, outputTokens: 0 }, stopReason: 'error', error: TURN_ALREADY_RUNNING };
      }
      // Our own controller lets close() stop a running turn too.
      const controller = new AbortController();
      const signal = options.signal ? AbortSignal.any([options.signal, controller.signal]) : controller.signal;
      turns.add(controller);
      const onEvent = (event: TurnEvent): void => {
        conversations.observe(event);
        try {
          options.onEvent?.(event);
        } catch {
          // A front end's listener failing must not break the turn.
        }
      };
      turnEvents = onEvent;
      try {
        // `/server:prompt` and `@server:uri`: what the line runs or attaches, before the model is asked.
        let input: TurnInput;
        try {
          input = await prepareTurnInput(prompt, tools.features(), (message) => onEvent({ type: 'notice', message }), signal);
        } catch (error) {
          const cancelled = signal.aborted;
          return {
            text: '',
            callIds: [],
            usage: { inputTokens: 0, outputTokens: 0 },
            stopReason: cancelled ? 'cancelled' : 'error',
            ...(!cancelled && { error: errorMessage(error) }),
          };
        }
        if (input.prompt) onEvent({ type: 'attached', what: 'prompt', server: input.prompt.server, name: input.prompt.name });
        for (const a of input.attached) onEvent({ type: 'attached', what: 'resource', server: a.server, name: a.uri, detail: a.detail });
        // With tracing on: the turn, each model request and each tool call as spans (telemetry/spans.ts).
        const turnDeps = {
          model: tracedModel(model),
          context,
          tools: tracedTools(tools),
          registry,
          conversation,
          maxTurns: config.maxTurns,
          toolResultMaxTokens: config.toolResultMaxTokens,
          ...(approver && { approver }),
        };
        return await traceTurn(modelName(model), () => runTurn(turnDeps, input.messages, { ...options, onEvent, signal }));
      } finally {
        turnEvents = undefined;
        turns.delete(controller);
      }
    },

    async listTools() {
      const { catalog } = await tools.prepare({ connect: true });
      const offered = catalog.tools.map((t) => ({ name: t.tool, description: t.definition.description, ...(tools.prefixNames && { server: t.server }) }));
      const withheld = tools.withheld().map((t) => ({ name: t.name, description: '', ...(tools.prefixNames && { server: t.server }), withheld: t.reason }));
      return [...offered, ...withheld];
    },

    listPrompts: () => promptSummaries(tools.features()),

    completePromptArgument: (server, prompt, given, value, signal) => promptArgumentCompletions(tools.features(), server, prompt, given, value, signal),

    completeMention: (typed, signal) => mentionCompletions(tools.features(), typed, signal),

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
      conversations.clear();
      registry.clearFinished();
    },

    async compact(instructions?: string): Promise<Compaction> {
      if (turns.size > 0) throw new Error('finish or cancel the running turn first');
      // Held like a turn: no turn starts meanwhile, and close() stops it.
      const controller = new AbortController();
      turns.add(controller);
      try {
        const { catalog, note } = await tools.prepare({});
        return await conversations.compact({ tools: catalog.definitions, ...(note && { systemNote: note }), signal: controller.signal, onNotice: () => undefined }, instructions);
      } finally {
        turns.delete(controller);
      }
    },

    usage: () => conversations.usage(),

    conversationId: () => conversations.id(),

    listConversations: () => conversations.list(),

    async resume(id?: string): Promise<ResumedConversation> {
      if (turns.size > 0) throw new Error('finish or cancel the running turn first');
      return conversations.resume(id, async () => {
        await tools.settled(GONE_CHECK_WAIT_MS);
        return { statuses: tools.statuses(), offered: tools.catalog().tools };
      });
    },

    async close() {
      for (const controller of turns) controller.abort(new Error('the agent is closing'));
      conversations.close();
      await tools.close();
    },
  };
}
