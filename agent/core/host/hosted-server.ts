import { tracedSignIn } from '../telemetry/spans.js';
import type {
  AuthProvider,
  CallToolResult,
  CompleteRequest,
  GetPromptResult,
  Prompt,
  CreateMessageRequestParams,
  CreateMessageResult,
  ElicitRequestParams,
  ElicitResult,
  FetchLike,
  LoggingLevel,
  ReadResourceResult,
  Root,
} from '@modelcontextprotocol/client';
import type { Env } from '../../../config/load.js';
import type { ServerAuth, ServerSignIn } from '../auth/kinds/kind.js';
import type { AuthState, ConnectionState, ServerConnection, ServerLogLine, ServerStatus } from '../engine-types.js';
import type { ServerLogMessage } from '../mcp/client-features.js';
import { DEFAULT_CONNECT_TIMEOUT_MS, McpSession, McpSessionError, type CallOptions, type ResourceCatalog } from '../mcp/session.js';
import type { OpenedTransport } from '../mcp/transports.js';
import { Backoff, type Scheduler } from './back-off.js';
import { offeredTools, TASK_ONLY_REASON, withheldTools } from './offered-tools.js';
import { printableTarget } from './printable-target.js';
import { protocolMemory } from './protocol-memory.js';
import { redactServerText } from './redact.js';
import type { ServerConfig } from './server-config.js';
import type { ServerFeatures } from './server-features.js';
import { LogBook } from './server-logs.js';
import type { ServerTool } from './tool-names.js';

/**
 * One MCP server as the host keeps it: its McpSession, its sign-in, its connection state and
 * reconnect back-off, its log messages and calls in flight. It owns all of that and reports each
 * change (onChange); the host only holds the collection and routes to it.
 * Not responsible for other servers, the tool catalog across servers, or display.
 */

/** A fresh transport for one server (agent/core/mcp/transports.ts, bound to its environment and log directory). */
export type TransportFactory = (config: ServerConfig, deps: { authProvider?: AuthProvider; fetch?: FetchLike }) => Promise<OpenedTransport>;

/**
 * The engine's answers to what servers ask of the client. `callId`: the call the question belongs
 * to — the server's only running call, else its oldest (MCP does not say which call asks); absent
 * when none runs.
 */
export interface ServerQuestions {
  elicit(server: string, params: ElicitRequestParams, signal: AbortSignal, callId?: string): Promise<ElicitResult>;
  sample(server: string, params: CreateMessageRequestParams, signal: AbortSignal, callId?: string): Promise<CreateMessageResult>;
}

export const DECLINE_ALL: ServerQuestions = {
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

export interface HostedServerDeps {
  signIn: ServerSignIn;
  createTransport: TransportFactory;
  questions: ServerQuestions;
  /** The roots every server is offered now. */
  roots: () => Root[];
  /** Secrets to take out of what the server's errors say (configured values, the environment's). */
  env?: Env;
  fetch?: FetchLike;
  now: () => number;
  /** For servers without their own `timeout`. */
  connectTimeoutMs?: number;
  callTimeoutMs?: number;
  /** Reconnect timers (tests fire them at will). */
  schedule?: Scheduler;
  /** Where learned protocol revisions are kept (protocol-memory.ts); absent: nothing is kept. */
  protocolStore?: string;
  /** Called after any change of this server's state. */
  onChange: () => void;
  /**
   * A call refused for want of a sign-in waits for the sign-in the front end opens, then is sent
   * again (the chat); absent: it fails at once (-p, where nobody can sign in).
   */
  holdCallsForSignIn?: boolean;
}

/**
 * A server's connect timeout, the one rule for the chat, -p and `warden mcp list`: its own
 * `timeout`, else the default for servers (WARDEN_MCP_CONNECT_TIMEOUT_MS), else 30 s.
 */
export function connectTimeoutOf(config: ServerConfig, defaultMs: number | undefined): number {
  return config.timeoutMs ?? defaultMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
}

export class HostedServer implements ServerFeatures {
  private readonly session: McpSession;
  private readonly auth: ServerAuth | undefined;
  private readonly backoff: Backoff;
  private connection: ServerConnection = { state: 'connecting', attempt: 1 };
  private authState: AuthState;
  private lastError: string | undefined;
  /** Why a stdio server's process ended, until the failure it caused is reported. */
  private exitReason: string | undefined;
  /** What the server calls itself (initialize's serverInfo.name), once connected. */
  private serverName: string | undefined;
  private firstConnectOver = false;
  private closed = false;
  private readonly logBook = new LogBook();
  /** Calls in flight; a log message goes to a call's pane only when it is the only one (MCP does not say which call a message is about). */
  private readonly calls = new Set<CallOptions>();
  /** How long connecting (initialize and the tool list) may take before it fails. */
  readonly connectTimeoutMs: number;
  /** Calls held until the sign-in ends: told whether it signed in. */
  private readonly signInWaiters = new Set<(signedIn: boolean) => void>();

  constructor(
    readonly config: ServerConfig,
    private readonly deps: HostedServerDeps,
  ) {
    this.backoff = new Backoff(deps.schedule);
    // A server that cannot be used as configured (an unset variable) is never started: its reason is its state.
    if (config.unavailable !== undefined) {
      this.connection = { state: 'failed', error: config.unavailable };
      this.lastError = config.unavailable;
      this.firstConnectOver = true;
    }
    this.auth = deps.signIn.connect(
      tracedSignIn(config.name, deps.signIn.settings.kind.value, (state) => {
        this.authState = state;
        deps.onChange();
      }),
    );
    this.authState = this.auth?.session ? this.auth.session.state() : { state: 'disabled', why: deps.signIn.settings.kind.from.from === 'flag' ? 'no-auth' : 'none' };
    const authProvider = this.auth?.provider;
    const timeout = (fallback: number | undefined): number | undefined => config.timeoutMs ?? fallback;
    this.connectTimeoutMs = connectTimeoutOf(config, deps.connectTimeoutMs);
    this.session = new McpSession({
      target: printableTarget(config),
      redact: (text) => redactServerText(text, config, deps.env),
      stdio: config.type === 'stdio',
      ...(config.protocolVersion && { protocolVersion: config.protocolVersion }),
      ...(deps.protocolStore && { protocolMemory: protocolMemory(deps.protocolStore, config) }),
      openTransport: () => {
        // The sign-in watches its server's answers to the tokens it just obtained.
        const fetch = this.auth?.session ? this.auth.session.watchFetch(deps.fetch) : deps.fetch;
        return deps.createTransport(config, { ...(authProvider && { authProvider }), ...(fetch && { fetch }) });
      },
      ...(authProvider && { authProvider }),
      connectTimeoutMs: this.connectTimeoutMs,
      ...(timeout(deps.callTimeoutMs) !== undefined && { callTimeoutMs: timeout(deps.callTimeoutMs) }),
      features: {
        roots: () => deps.roots(),
        elicit: (params, signal) => deps.questions.elicit(config.name, params, signal, this.askingCall()),
        sample: (params, signal) => deps.questions.sample(config.name, params, signal, this.askingCall()),
        onLog: (message: ServerLogMessage) => {
          const shown = this.logBook.add(message);
          const [only] = this.calls.size === 1 ? this.calls : [];
          if (shown) only?.onLog?.(shown);
          deps.onChange();
        },
      },
      onConnection: (state) => this.connectionChanged(state),
    });
  }

  get name(): string {
    return this.config.name;
  }

  /** The first connect (or its failure) is over: -p and the first turn stop waiting for it. */
  get settled(): boolean {
    return this.firstConnectOver;
  }

  get connected(): boolean {
    return this.connection.state === 'connected';
  }

  /** It signs in (gets tokens), as opposed to sending none or a fixed one. */
  get signsIn(): boolean {
    return this.auth?.session !== undefined;
  }

  get needsSignIn(): boolean {
    return this.connection.state === 'sign-in-needed';
  }

  get waitsForApproval(): boolean {
    return this.authState.state === 'approval-needed';
  }

  status(): ServerStatus {
    return {
      name: this.config.name,
      transport: this.config.type,
      target: this.session.target,
      connection: this.connection,
      auth: this.authState,
      ...(this.serverName !== undefined && { serverName: this.serverName }),
      ...(this.lastError !== undefined && { lastError: this.lastError }),
      ...(this.logBook.shown().length > 0 && { logs: this.logBook.shown() }),
      ...(this.namedBy() !== undefined && { required: this.namedBy() }),
    };
  }

  /** The tools this server offers the model now (none unless connected), after its filter. */
  tools(): ServerTool[] {
    return this.connected ? this.offered() : [];
  }

  /** Tools it lists that the model is not offered because they need something Warden lacks. */
  withheld(): WithheldTool[] {
    return withheldTools(this.config, this.session.connectedTools() ?? []).map((t) => ({ server: this.config.name, name: t.name, reason: TASK_ONLY_REASON }));
  }

  /** Connects (the first time, or again after a failure); the outcome is in the status, never thrown. */
  async connect(): Promise<void> {
    if (this.config.unavailable !== undefined) return;
    await this.session.connect().catch(() => undefined);
  }

  /** Connects, throwing the failure (a turn with this one server waits for it and reports it). */
  async connectOrThrow(): Promise<void> {
    if (this.config.unavailable !== undefined) throw new Error(`server "${this.config.name}" cannot be used: ${this.config.unavailable}`);
    await this.session.connect();
  }

  /** Drops the connection and connects anew at once; the back-off starts over. */
  async reconnect(): Promise<void> {
    if (this.config.unavailable !== undefined) return;
    this.backoff.reset();
    await this.session.reconnect().catch(() => undefined);
  }

  /** Resolves once a tool list refresh the server asked for (list_changed) is in. */
  toolsSettled(): Promise<void> {
    return this.session.toolsSettled();
  }

  async call(tool: string, args: Record<string, unknown>, options: CallOptions): Promise<CallToolResult> {
    this.calls.add(options);
    try {
      try {
        return await this.session.callTool(tool, args, options);
      } catch (error) {
        if (!this.holdsForSignIn(error)) throw error;
        // Refused for want of a sign-in (401 or 403 before the tool ran): it waits for the sign-in
        // the chat opens and is sent once more, so nobody types the request again.
        options.onprogress?.({ progress: 0, message: 'waiting for the sign-in (Esc cancels this call)' });
        if (!(await this.signInOver(options.signal))) throw error;
        return await this.session.callTool(tool, args, options);
      }
    } finally {
      this.calls.delete(options);
    }
  }

  /** A call's failure that a sign-in would fix, where a front end can sign in (not an approval question: that is the user's answer). */
  private holdsForSignIn(error: unknown): boolean {
    return (
      this.deps.holdCallsForSignIn === true && this.auth?.session !== undefined && !this.waitsForApproval && error instanceof McpSessionError && error.failure.kind === 'sign-in'
    );
  }

  /** Resolves when the next sign-in to this server is over (true: signed in and connected again), or false when `signal` aborts. */
  private signInOver(signal: AbortSignal | undefined): Promise<boolean> {
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve(false);
      const done = (signedIn: boolean): void => {
        signal?.removeEventListener('abort', aborted);
        this.signInWaiters.delete(done);
        resolve(signedIn);
      };
      const aborted = (): void => done(false);
      signal?.addEventListener('abort', aborted, { once: true });
      this.signInWaiters.add(done);
    });
  }

  /** The sign-in for this server is over (after its reconnect): held calls go on, or fail with their reason. */
  signInEnded(signedIn: boolean): void {
    for (const done of [...this.signInWaiters]) done(signedIn);
  }

  /** `resources/read`, when the server has resources (for resource links in results). */
  resourceReader(): ((uri: string) => Promise<ReadResourceResult>) | undefined {
    if (!this.session.canReadResources()) return undefined;
    return (uri) => this.session.readResource(uri);
  }

  offers(): ReturnType<ServerFeatures['offers']> {
    return this.connected ? this.session.offers() : { prompts: false, resources: false, completions: false };
  }

  async listPrompts(): Promise<Prompt[]> {
    this.usable();
    return this.session.listPrompts();
  }

  async getPrompt(name: string, args: Record<string, string>, signal?: AbortSignal): Promise<GetPromptResult> {
    this.usable();
    return this.session.getPrompt(name, args, signal);
  }

  async listResources(): Promise<ResourceCatalog> {
    this.usable();
    return this.session.listResources();
  }

  async readResource(uri: string, signal?: AbortSignal): Promise<ReadResourceResult> {
    this.usable();
    return this.session.readResource(uri, signal);
  }

  async complete(params: CompleteRequest['params'], signal?: AbortSignal): Promise<string[]> {
    this.usable();
    return this.session.complete(params, signal);
  }

  rootsChanged(): Promise<void> {
    return this.session.rootsChanged();
  }

  /** Every log message kept (all levels), oldest first. */
  logs(): ServerLogLine[] {
    return this.logBook.all();
  }

  /** `logging/setLevel`; its messages from then on are shown from this level. */
  async setLogLevel(level: LoggingLevel): Promise<void> {
    await this.session.setLogLevel(level);
    this.logBook.threshold = level;
    this.deps.onChange();
  }

  /** Interactive sign-in; throws when this server has nothing to sign in to. */
  async signIn(signal?: AbortSignal): Promise<void> {
    if (!this.auth?.session) throw new Error(`server "${this.config.name}" has nothing to sign in to`);
    await this.auth.session.signIn(signal);
  }

  /** The user's answer to this server's approval question; true when it asked one. */
  async answerApproval(approved: boolean): Promise<boolean> {
    if (!this.auth?.session || !this.waitsForApproval) return false;
    await this.auth.session.answerApproval(approved);
    return true;
  }

  async signOut(): Promise<void> {
    await this.auth?.session?.signOut();
  }

  /** Its stdio process ended on its own: the reason (exit code, last stderr line) becomes the error shown. */
  exited(reason: string): void {
    if (this.closed) return;
    const error = redactServerText(reason, this.config, this.deps.env);
    this.lastError = error;
    if (this.connection.state === 'failed') this.connection = { ...this.connection, error };
    else this.exitReason = error;
    this.deps.onChange();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.backoff.stop();
    // Closing is best effort: nothing is left to report a failure to.
    await this.session.close().catch(() => undefined);
  }

  /** How the user named this server on the command line (`--server`, `--mcp-config FILE`); undefined when they did not. */
  private namedBy(): string | undefined {
    const source = this.config.source;
    if (source.kind === 'shortcut' && source.via === 'flag') return '--server';
    if (source.kind === 'flag') return `--mcp-config ${source.file}`;
    return undefined;
  }

  /** Throws when the server cannot be used as configured (it is never started). */
  private usable(): void {
    if (this.config.unavailable !== undefined) throw new Error(`server "${this.config.name}" cannot be used: ${this.config.unavailable}`);
  }

  /** The call a question from this server is attached to: the oldest still running (insertion order). */
  private askingCall(): string | undefined {
    for (const call of this.calls) if (call.callId !== undefined) return call.callId;
    return undefined;
  }

  /** The listed tools its `tools` filter lets through (the last listing, whatever the state). */
  private offered(): ServerTool[] {
    return offeredTools(this.config, this.session.connectedTools() ?? []).map((t) => ({
      server: this.config.name,
      name: t.name,
      description: t.description ?? t.title ?? t.name,
      inputSchema: t.inputSchema,
      ...(t.annotations && { annotations: t.annotations }),
    }));
  }

  /** From the session: the new state, and a reconnect with back-off after a failure. */
  private connectionChanged(state: ConnectionState): void {
    switch (state.state) {
      case 'connecting':
        this.connection = { state: 'connecting', attempt: this.backoff.failures + 1 };
        break;
      case 'connected':
        this.backoff.reset();
        this.firstConnectOver = true;
        this.serverName = state.serverName;
        // The count the user sees is what the model is offered, after the server's `tools` filter.
        this.connection = {
          state: 'connected',
          toolCount: this.offered().length,
          ...(state.protocolVersion && { protocolVersion: state.protocolVersion }),
          ...(state.logging && { logging: true }),
        };
        break;
      case 'sign-in-needed':
        // Only the user can fix this: no retry until they sign in (or ask to reconnect).
        this.firstConnectOver = true;
        this.lastError = state.reason;
        this.connection = state;
        break;
      case 'unreachable': {
        // A crashed stdio server says more about itself (exit code, last stderr line) than the broken pipe does.
        const error = this.exitReason ?? state.error;
        this.exitReason = undefined;
        this.firstConnectOver = true;
        this.lastError = error;
        // A failure that stays (no such host, no MCP endpoint there) is said once, not retried forever: /mcp reconnect tries again.
        this.connection = { state: 'failed', error, ...(state.permanent ? {} : this.scheduleRetry()) };
        break;
      }
    }
    this.deps.onChange();
  }

  private scheduleRetry(): { retryAt?: number } {
    if (this.closed) return {};
    const delay = this.backoff.retry(() => void this.connect());
    return { retryAt: this.deps.now() + delay };
  }
}
