import { pathToFileURL } from 'node:url';
import type {
  AuthProvider,
  CallToolResult,
  CreateMessageRequestParams,
  CreateMessageResult,
  ElicitRequestParams,
  ElicitResult,
  FetchLike,
  LoggingLevel,
  ReadResourceResult,
  Root,
  Tool,
  Transport,
} from '@modelcontextprotocol/client';
import type { Authenticator } from '../../../auth/login/types.js';
import type { Env } from '../../../config/load.js';
import { bearerProvider } from '../auth/bearer-auth.js';
import { SessionAuth, type AuthenticatorFactory } from '../auth/session-auth.js';
import type { SignInGate } from '../auth/sign-in-gate.js';
import type { AuthState, ConnectionState, ServerConnection, ServerLogLine, ServerStatus } from '../engine-types.js';
import type { ServerLogMessage } from '../mcp/client-features.js';
import { McpSession, type CallOptions } from '../mcp/session.js';
import { globMatch } from './glob.js';
import { printableTarget } from './printable-target.js';
import { redactServerText } from './redact.js';
import { LogBook } from './server-logs.js';
import type { ServerConfig, ToolFilter } from './server-config.js';
import { buildToolCatalog, toolArguments, type MappedTool, type ServerTool, type ToolCatalog } from './tool-names.js';

/**
 * Several MCP servers at once: one McpSession (and sign-in) per server, each with its own state,
 * connect timeout and reconnect back-off, and the one tool catalog the model sees.
 *
 * Responsible for: connecting concurrently, never letting one server wait on another, routing a
 * model's tool name to its server, saying which servers are unavailable.
 * Not responsible for: transports (given a factory), the model loop, display.
 */

/** A fresh transport for one server (agent/core/mcp/transports.ts, bound to its environment and log directory). */
export type TransportFactory = (config: ServerConfig, deps: { authProvider?: AuthProvider; fetch?: FetchLike }) => Promise<Transport>;

export interface ServerHostDeps {
  /** --no-auth: no server gets a token, whatever its configuration says. */
  noAuth: boolean;
  createTransport: TransportFactory;
  /** The device-code sign-in for a server whose auth is `entra`. */
  authenticatorFor?: (server: ServerConfig) => AuthenticatorFactory | undefined;
  /** The sign-in policy of an `entra` server: which tokens it may receive (absent: the caller configured it). */
  gateFor?: (server: ServerConfig) => SignInGate | undefined;
  /** How the user approves a refused server in this front end, for the one-line reason. */
  approvalHint?: string;
  /** A ready Authenticator for every `entra` server (tests). */
  authenticator?: Authenticator;
  /** For `bearer` auth: the variable named in the configuration is read from here. */
  env?: Env;
  fetch?: FetchLike;
  now?: () => number;
  /** Called after any server's state changed. */
  onChange: () => void;
  /** Questions a server asks the user (elicitation) or the model (sampling); absent: declined. */
  questions?: ServerQuestions;
  /** Directories offered as roots (default: the working directory). */
  roots?: readonly string[];
  /** For servers without their own `timeout`. */
  connectTimeoutMs?: number;
  callTimeoutMs?: number;
}

/**
 * The engine's answers to what servers ask of the client. `callId`: the call the question belongs
 * to — the server's only running call, else its oldest (MCP does not say which call asks); absent
 * when none runs.
 */
export interface ServerQuestions {
  elicit(server: string, params: ElicitRequestParams, signal: AbortSignal, callId?: string): Promise<ElicitResult>;
  sample(server: string, params: CreateMessageRequestParams, signal: AbortSignal, callId?: string): Promise<CreateMessageResult>;
}

const DECLINE_ALL: ServerQuestions = {
  elicit: async () => ({ action: 'decline' }),
  sample: async (server) => {
    throw new Error(`sampling is not allowed for server "${server}" here`);
  },
};

/** A tool the model is not offered, and why (shown in /tools). */
export interface WithheldTool {
  server: string;
  name: string;
  reason: string;
}

/** Tools that only run as tasks: Warden does not run tasks, so offering one would only fail. */
function requiresTask(tool: Tool): boolean {
  return (tool as { execution?: { taskSupport?: string } }).execution?.taskSupport === 'required';
}

/** Reconnect back-off: 1 s, 2 s, 4 s … at most 30 s. */
const FIRST_RETRY_MS = 1000;
const MAX_RETRY_MS = 30_000;

function toolAllowed(filter: ToolFilter, name: string): boolean {
  if (!filter) return true;
  if ('include' in filter) return filter.include.some((p) => globMatch(p, name));
  return !filter.exclude.some((p) => globMatch(p, name));
}

class HostedServer {
  readonly session: McpSession;
  readonly auth: SessionAuth | undefined;
  connection: ServerConnection = { state: 'connecting', attempt: 1 };
  authState: AuthState;
  lastError: string | undefined;
  /** Why a stdio server's process ended, until the failure it caused is reported. */
  exitReason: string | undefined;
  /** What the server calls itself (initialize's serverInfo.name), once connected. */
  serverName: string | undefined;
  attempts = 0;
  retry: NodeJS.Timeout | undefined;
  /** The first connect (or its failure) is over: -p and the first turn stop waiting for it. */
  settled = false;
  readonly logs = new LogBook();
  /** Calls in flight; a log message goes to a call's pane only when it is the only one (MCP does not say which call a message is about). */
  readonly calls = new Set<CallOptions>();

  constructor(
    readonly config: ServerConfig,
    private readonly host: ServerHost,
    deps: ServerHostDeps,
  ) {
    const kind = deps.noAuth ? 'none' : (config.auth?.kind ?? (config.source.kind === 'shortcut' ? 'entra' : 'none'));
    let authProvider: AuthProvider | undefined;
    // Both get their tokens through the sign-in service: people with a device code, apps with their credentials.
    if (kind === 'entra' || kind === 'client-credentials' || kind === 'oauth') {
      const factory = deps.authenticatorFor?.(config);
      const gate = deps.gateFor?.(config);
      this.auth = new SessionAuth({
        serverUrl: config.type === 'stdio' ? '' : config.url,
        ...(deps.authenticator && { authenticator: deps.authenticator }),
        ...(factory && { createAuthenticator: factory }),
        ...(gate && { gate }),
        ...(deps.approvalHint && { approvalHint: deps.approvalHint }),
        ...(deps.fetch && { fetch: deps.fetch }),
        ...(deps.now && { now: deps.now }),
        onState: (state) => {
          this.authState = state;
          deps.onChange();
        },
      });
      authProvider = this.auth.provider();
      this.authState = { state: 'signed-out' };
    } else if (kind === 'bearer' && config.auth?.kind === 'bearer') {
      authProvider = bearerProvider(config.name, config.auth.tokenEnv, deps.env ?? {});
      this.authState = { state: 'disabled' };
    } else {
      this.authState = { state: 'disabled' };
    }
    this.session = new McpSession({
      target: printableTarget(config),
      redact: (text) => redactServerText(text, config, deps.env),
      openTransport: () => {
        // The sign-in watches its server's answers to the tokens it just obtained.
        const fetch = this.auth ? this.auth.watchFetch(deps.fetch) : deps.fetch;
        return deps.createTransport(config, { ...(authProvider && { authProvider }), ...(fetch && { fetch }) });
      },
      ...(authProvider && { authProvider }),
      ...((config.timeoutMs ?? deps.connectTimeoutMs) !== undefined && { connectTimeoutMs: config.timeoutMs ?? deps.connectTimeoutMs }),
      ...((config.timeoutMs ?? deps.callTimeoutMs) !== undefined && { callTimeoutMs: config.timeoutMs ?? deps.callTimeoutMs }),
      features: {
        roots: () => this.host.roots(),
        elicit: (params, signal) => (deps.questions ?? DECLINE_ALL).elicit(config.name, params, signal, this.askingCall()),
        sample: (params, signal) => (deps.questions ?? DECLINE_ALL).sample(config.name, params, signal, this.askingCall()),
        onLog: (message: ServerLogMessage) => {
          const shown = this.logs.add(message);
          const [only] = this.calls.size === 1 ? this.calls : [];
          if (shown) only?.onLog?.(shown);
          deps.onChange();
        },
      },
      onConnection: (state) => this.host.connectionChanged(this, state),
    });
  }

  /** The call a question from this server is attached to: the oldest still running (insertion order). */
  private askingCall(): string | undefined {
    for (const call of this.calls) if (call.callId !== undefined) return call.callId;
    return undefined;
  }

  status(): ServerStatus {
    return {
      name: this.config.name,
      transport: this.config.type,
      target: this.session.target,
      connection: this.connection,
      auth: this.authState,
      ...(this.lastError !== undefined && { lastError: this.lastError }),
      ...(this.logs.shown().length > 0 && { logs: this.logs.shown() }),
    };
  }

  /** The tools this server offers the model now (none unless connected), after its filter. */
  tools(): ServerTool[] {
    return this.connection.state === 'connected' ? this.offered() : [];
  }

  /** The listed tools its `tools` filter lets through (the last listing, whatever the state). */
  offered(): ServerTool[] {
    return (this.session.connectedTools() ?? [])
      .filter((t) => toolAllowed(this.config.tools, t.name) && !requiresTask(t))
      .map((t) => ({
        server: this.config.name,
        name: t.name,
        description: t.description ?? t.title ?? t.name,
        inputSchema: t.inputSchema,
        ...(t.annotations && { annotations: t.annotations }),
      }));
  }
}

export class ServerHost {
  private readonly servers: HostedServer[];
  private rootPaths: readonly string[];
  private readonly waiters = new Set<() => void>();
  private closed = false;
  private readonly now: () => number;

  /**
   * `prefixNames`: tools are named `SERVER__TOOL` for the model (and shown with their server);
   * off only for the one-server shortcut, whose tools keep their plain names.
   */
  readonly prefixNames: boolean;

  constructor(
    configs: readonly ServerConfig[],
    private readonly deps: ServerHostDeps,
  ) {
    this.now = deps.now ?? Date.now;
    this.rootPaths = deps.roots ?? [process.cwd()];
    this.prefixNames = !(configs.length === 1 && configs[0]?.source.kind === 'shortcut');
    this.servers = configs.map((config) => new HostedServer(config, this, deps));
  }

  statuses(): ServerStatus[] {
    return this.servers.map((s) => s.status());
  }

  /** The sign-in state to show when one line must do: one signing in now, else one that needs it, else the first that signs in. */
  authSummary(): AuthState {
    const withAuth = this.servers.filter((s) => s.auth);
    const server =
      withAuth.find((s) => s.authState.state === 'signing-in' || s.authState.state === 'approval-needed') ??
      withAuth.find((s) => s.connection.state === 'sign-in-needed') ??
      withAuth[0];
    return server?.authState ?? { state: 'disabled' };
  }

  /** All servers as the one-line ConnectionState the status bar and print mode already know. */
  connectionSummary(): ConnectionState {
    const only = this.servers.length === 1 ? this.servers[0] : undefined;
    if (only) {
      const c = only.connection;
      if (c.state === 'connected') {
        const serverName = only.serverName;
        return { state: 'connected', toolCount: c.toolCount, ...(serverName && { serverName }), ...(c.protocolVersion && { protocolVersion: c.protocolVersion }) };
      }
      if (c.state === 'failed') return { state: 'unreachable', error: c.error };
      if (c.state === 'sign-in-needed') return c;
      return { state: 'connecting' };
    }
    const states = this.servers.map((s) => s.connection.state);
    if (states.includes('connected')) return { state: 'connected', toolCount: this.catalog().tools.length };
    if (states.includes('connecting')) return { state: 'connecting' };
    const signIn = this.servers.find((s) => s.connection.state === 'sign-in-needed')?.connection;
    if (signIn?.state === 'sign-in-needed') return signIn;
    return { state: 'unreachable', error: this.servers.length === 0 ? 'no MCP server is configured' : 'no MCP server is reachable' };
  }

  /** Connects every server at once; resolves when each has connected or failed (never throws). */
  async start(): Promise<void> {
    // Each failure is already in that server's state.
    await Promise.all(this.servers.map((s) => s.session.connect().catch(() => undefined)));
  }

  /** Resolves once every server's first connect is over, or after `ms`, whichever is first. */
  async settled(ms: number): Promise<void> {
    if (this.servers.every((s) => s.settled)) return;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      const check = (): void => {
        if (this.servers.every((s) => s.settled)) done();
      };
      const timer = setTimeout(done, ms);
      this.waiters.add(check);
    });
  }

  /**
   * The tools for the next model round. At the start of a turn (`connect`) a single server is
   * waited for — without it there is nothing to offer, and its failure is the answer; several
   * servers are never waited for: what is up now is offered.
   */
  async prepare(options: { connect?: boolean } = {}): Promise<{ catalog: ToolCatalog; note?: string }> {
    const only = this.servers.length === 1 ? this.servers[0] : undefined;
    if (only && options.connect) await only.session.connect();
    // A server that said its tools changed is listed again before the model sees the catalog.
    await Promise.all(this.servers.map((s) => s.session.toolsSettled()));
    const down = this.servers.filter((s) => s.connection.state !== 'connected');
    const note =
      down.length > 0 && !only
        ? `These MCP servers are unavailable right now, so their tools are missing: ${down.map((s) => `${s.config.name} (${this.describe(s.connection)})`).join('; ')}.`
        : undefined;
    return { catalog: this.catalog(), ...(note && { note }) };
  }

  catalog(): ToolCatalog {
    return buildToolCatalog(
      this.servers.flatMap((s) => s.tools()),
      { prefix: this.prefixNames },
    );
  }

  async callTool(tool: MappedTool, input: Record<string, unknown>, options: CallOptions): Promise<CallToolResult> {
    const server = this.servers.find((s) => s.config.name === tool.server);
    if (!server) throw new Error(`no server named "${tool.server}"`);
    server.calls.add(options);
    try {
      return await server.session.callTool(tool.tool, toolArguments(tool, input), options);
    } finally {
      server.calls.delete(options);
    }
  }

  /** The roots every server is offered, as `file://` URIs. */
  roots(): Root[] {
    return this.rootPaths.map((path) => ({ uri: pathToFileURL(path).href, name: path }));
  }

  /** Replaces the roots and tells connected servers (`notifications/roots/list_changed`). */
  async setRoots(paths: readonly string[]): Promise<void> {
    this.rootPaths = [...paths];
    await Promise.all(this.servers.map((s) => s.session.rootsChanged()));
  }

  /** Tools a server lists that the model is not offered because they need something Warden lacks. */
  withheld(): WithheldTool[] {
    return this.servers.flatMap((s) =>
      (s.session.connectedTools() ?? [])
        .filter((t) => toolAllowed(s.config.tools, t.name) && requiresTask(t))
        .map((t) => ({ server: s.config.name, name: t.name, reason: 'runs only as a task (execution.taskSupport "required"), which Warden does not run' })),
    );
  }

  /** `resources/read` on `server` when it has resources (for resource links in results). */
  resourceReader(server: string): ((uri: string) => Promise<ReadResourceResult>) | undefined {
    const hosted = this.servers.find((s) => s.config.name === server);
    if (!hosted?.session.canReadResources()) return undefined;
    return (uri) => hosted.session.readResource(uri);
  }

  /** Every log message kept for `name` (all levels), oldest first. */
  logs(name: string): ServerLogLine[] {
    return this.find(name).logs.all();
  }

  /** `logging/setLevel` on one server; its messages from then on are shown from this level. */
  async setLogLevel(name: string, level: LoggingLevel): Promise<void> {
    const server = this.find(name);
    await server.session.setLogLevel(level);
    server.logs.threshold = level;
    this.deps.onChange();
  }

  async reconnect(name: string): Promise<void> {
    const server = this.find(name);
    clearTimeout(server.retry);
    server.retry = undefined;
    server.attempts = 0;
    await server.session.reconnect().catch(() => undefined);
  }

  /** Device-code sign-in for `name`, or the first server that needs it (else the first that signs in at all). */
  async signIn(signal?: AbortSignal, name?: string): Promise<void> {
    const server = name !== undefined ? this.find(name) : (this.servers.find((s) => s.auth && s.connection.state === 'sign-in-needed') ?? this.servers.find((s) => s.auth));
    if (!server?.auth) {
      throw new Error(
        this.deps.noAuth ? 'authentication is off (--no-auth): there is nothing to sign in to' : `no server${name ? ` named "${name}"` : ''} signs in with a device code`,
      );
    }
    await server.auth.signIn(signal);
    // The new token goes out on a fresh connection, which also refreshes the status and tool list.
    // Servers still waiting for a sign-in try again too: Entra servers share the account, so its
    // refresh token may now get each of them a token for its own scope without another code.
    const waiting = this.servers.filter((s) => s !== server && s.auth && s.connection.state === 'sign-in-needed');
    await Promise.all([server, ...waiting].map((s) => this.reconnect(s.config.name)));
  }

  /** The user's answer to the server whose sign-in waits for approval; yes reconnects it. */
  async answerApproval(approved: boolean): Promise<void> {
    const server = this.servers.find((s) => s.auth && s.authState.state === 'approval-needed');
    if (!server?.auth) return;
    await server.auth.answerApproval(approved);
    if (approved) await this.reconnect(server.config.name);
  }

  async signOut(): Promise<void> {
    await Promise.all(this.servers.map((s) => s.auth?.signOut()));
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const s of this.servers) clearTimeout(s.retry);
    // Closing is best effort: nothing is left to report a failure to.
    await Promise.all(this.servers.map((s) => s.session.close().catch(() => undefined)));
  }

  /** From a server's session: its new state, and a reconnect with back-off after a failure. */
  connectionChanged(server: HostedServer, state: ConnectionState): void {
    switch (state.state) {
      case 'connecting':
        server.connection = { state: 'connecting', attempt: server.attempts + 1 };
        break;
      case 'connected':
        server.attempts = 0;
        server.settled = true;
        server.serverName = state.serverName;
        // The count the user sees is what the model is offered, after the server's `tools` filter.
        server.connection = { state: 'connected', toolCount: server.offered().length, ...(state.protocolVersion && { protocolVersion: state.protocolVersion }) };
        break;
      case 'sign-in-needed':
        // Only the user can fix this: no retry until they sign in (or ask to reconnect).
        server.settled = true;
        server.lastError = state.reason;
        server.connection = state;
        break;
      case 'unreachable': {
        // A crashed stdio server says more about itself (exit code, last stderr line) than the broken pipe does.
        const error = server.exitReason ?? state.error;
        server.exitReason = undefined;
        server.settled = true;
        server.lastError = error;
        server.connection = { state: 'failed', error, ...this.scheduleRetry(server) };
        break;
      }
    }
    this.deps.onChange();
    for (const waiter of [...this.waiters]) waiter();
  }

  /** A stdio server's process ended on its own: its reason (exit code, last stderr line) becomes the error shown. */
  serverExited(name: string, reason: string): void {
    const server = this.servers.find((s) => s.config.name === name);
    if (!server || this.closed) return;
    const error = redactServerText(reason, server.config, this.deps.env);
    server.lastError = error;
    if (server.connection.state === 'failed') server.connection = { ...server.connection, error };
    else server.exitReason = error;
    this.deps.onChange();
  }

  private scheduleRetry(server: HostedServer): { retryAt?: number } {
    if (this.closed) return {};
    clearTimeout(server.retry);
    const delay = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** server.attempts);
    server.attempts++;
    server.retry = setTimeout(() => {
      server.retry = undefined;
      server.session.connect().catch(() => undefined);
    }, delay);
    // A pending retry must not keep -p (or a closing chat) alive.
    server.retry.unref();
    return { retryAt: this.now() + delay };
  }

  private find(name: string): HostedServer {
    const server = this.servers.find((s) => s.config.name === name);
    if (!server) throw new Error(`no server named "${name}" (see /mcp)`);
    return server;
  }

  private describe(connection: ServerConnection): string {
    switch (connection.state) {
      case 'connecting':
        return 'still connecting';
      case 'sign-in-needed':
        return 'needs sign-in';
      case 'failed':
        return connection.error;
      case 'connected':
        return 'connected';
    }
  }
}
