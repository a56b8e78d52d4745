import type {
  AuthProvider,
  CallToolResult,
  Client,
  CompleteRequest,
  GetPromptResult,
  LoggingLevel,
  Progress,
  Prompt,
  ReadResourceResult,
  Resource,
  ResourceTemplateType as ResourceTemplate,
  Tool,
} from '@modelcontextprotocol/client';
import type { ConnectionState, ServerLogLine } from '../engine-types.js';
import { CLIENT_CAPABILITIES, installClientFeatures, type ClientFeatures } from './client-features.js';
import { classifyMcpError, type McpFailure } from './errors.js';
import { loadedMcpSdk, loadMcpSdk } from './sdk.js';
import { traceCarrier } from '../telemetry/propagation.js';
import { watchRequestStreams } from './stream-watch.js';
import { WARDEN_VERSION } from '../../../config/version.js';
import type { OpenedTransport } from './transports.js';
import { errorMessage } from '../../../config/error-text.js';
import { BACK_CHANNEL_NOTE, clientNegotiation, type Era, firstEra, LEGACY_VERSIONS, MODERN_VERSION, type ProtocolSetting, refusesWithoutBackChannel } from './protocol-version.js';

export interface McpSessionOptions {
  /** Where the server is, fit to print (a URL without userinfo or query secrets, or the command). */
  target: string;
  /** A fresh transport for each (re)connect. */
  openTransport: () => Promise<OpenedTransport>;
  /** Absent with --no-auth: no Authorization header at all. */
  authProvider?: AuthProvider;
  clientInfo?: { name: string; version: string };
  /** Connecting (initialize + tools/list) fails as unreachable after this long. */
  connectTimeoutMs?: number;
  /** A call that sends nothing (no progress, no answer) for this long fails. */
  callTimeoutMs?: number;
  /** Roots, elicitation, sampling and log handlers; absent: the client declares no capabilities. */
  features?: ClientFeatures;
  /** Takes the server's secrets (URL userinfo, header values…) out of every failure message. */
  redact?: (text: string) => string;
  /** The server's `protocolVersion` setting (protocol-version.ts); default `auto`. */
  protocolVersion?: ProtocolSetting;
  /** A stdio server (the 2025 handshake first under `auto`). */
  stdio?: boolean;
  /** Under `auto`: what an earlier run learned about this server's revision, and where to keep what this one learns. */
  protocolMemory?: ProtocolMemory;
  onConnection: (state: ConnectionState) => void;
}

/** A server's learned protocol revision, kept across runs (agent/core/host/protocol-memory.ts). */
export interface ProtocolMemory {
  recall(): Promise<string | undefined>;
  /** Keeps `version`; undefined forgets (the server no longer takes what was learned). */
  remember(version: string | undefined): Promise<void>;
}

/** A server's resources and resource templates, as listed. */
export interface ResourceCatalog {
  resources: Resource[];
  templates: ResourceTemplate[];
}

export interface CallOptions {
  signal?: AbortSignal;
  onprogress?: (progress: Progress) => void;
  /** Called when the request is about to go out (the connection is up). */
  onSent?: () => void;
  /** The call's registry id: a question the server asks during the call is attached to it. */
  callId?: string;
  /** A server log message (at or above the shown level) that arrived while this was the server's only call. */
  onLog?: (line: ServerLogLine) => void;
}

/** A failure the session already reported as connection state; `failure.message` is one line for the user. */
export class McpSessionError extends Error {
  override readonly name = 'McpSessionError';
  constructor(readonly failure: McpFailure) {
    super(failure.message);
  }
}

/** The server answered the 2025 handshake with an error: try the 2026 negotiation (internal to the session). */
class HandshakeRefusedError extends Error {
  override readonly name = 'HandshakeRefusedError';
}

/** Connecting took longer than the server's connect timeout. */
class ConnectTimeoutError extends Error {
  override readonly name = 'ConnectTimeoutError';
  constructor(readonly ms: number) {
    super(`no answer within ${ms} ms`);
  }
}

/** Without progress a call may take this long; each progress notification restarts the clock. */
export const DEFAULT_CALL_TIMEOUT_MS = 120_000;

/** How long closing waits for a stateful server to confirm the end of its session (DELETE). */
const TERMINATE_WAIT_MS = 2000;

/** Without its own `timeout`, a server has this long to initialize and list its tools. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 30_000;

/**
 * One MCP server connection (SDK v2 client over the transport it is given, protocol negotiated
 * automatically). Connects on first need; a call that never reached the server (connection
 * refused, its session unknown after a restart) is sent once more on a fresh client; one that
 * may have started there is never sent twice.
 */
export class McpSession {
  private client: Client | undefined;
  /** The client being connected, so close() can stop a connect that hangs. */
  private opening: Client | undefined;
  private connecting: Promise<Client> | undefined;
  private toolList: Tool[] = [];
  /** A tools/list after `notifications/tools/list_changed`, until it is in. */
  private refreshing: Promise<void> | undefined;
  /**
   * A call ended on an HTTP connection since the last listing: list again before the next model
   * round. There a change notification travels on another stream than the call's result (the
   * session's GET stream, or the 2026-07-28 subscription), so it may arrive just after the result.
   */
  private relist = false;
  private closed = false;
  /** The connected client's prompts and resources, listed on first need and again after the server says they changed. */
  private promptList: Promise<Prompt[]> | undefined;
  private resourceList: Promise<ResourceCatalog> | undefined;
  private state: ConnectionState = { state: 'connecting' };
  /** What the next connect asks for; `auto` changes it once the server shows what it needs. */
  private era: Era;
  /** Calls in flight: a switch of era waits until none is left, so it never cuts one off. */
  private inFlight = 0;
  /** The server needs the 2025 back-channel: the client is dropped (and reconnects in 2025-11-25) once no call runs on it. */
  private eraSwitchPending = false;
  /** What an earlier run learned was read (once, before the first connect). */
  private recalled = false;
  /** The era came from what an earlier run learned: a server that refuses it gets the 2026 negotiation again. */
  private eraFromMemory = false;
  /** Writing what was learned; a call's end and close() wait for it, so the next run finds it. */
  private remembering: Promise<void> | undefined;
  /** Each client's transport, so closing can end a stateful HTTP session with DELETE (and a stdio server knows it was closed). */
  private readonly transports = new WeakMap<Client, OpenedTransport>();

  constructor(private readonly options: McpSessionOptions) {
    this.era = firstEra(options.protocolVersion, options.stdio === true);
  }

  get target(): string {
    return this.options.target;
  }

  /** The tools as of the last connect, while connected; undefined otherwise (never waits). */
  connectedTools(): Tool[] | undefined {
    return this.client ? this.toolList : undefined;
  }

  /**
   * Resolves once a tool list refresh the server asked for (list_changed) is in, and, after a
   * call over HTTP, once the tools are listed again; at once otherwise.
   */
  async toolsSettled(): Promise<void> {
    if (this.relist && this.client) {
      this.relist = false;
      if (!this.refreshing) this.refreshTools(this.client);
    }
    await this.refreshing;
  }

  /** The server offers `resources/read` (it declared the resources capability). */
  canReadResources(): boolean {
    return this.client?.getServerCapabilities()?.resources !== undefined;
  }

  async readResource(uri: string, signal?: AbortSignal): Promise<ReadResourceResult> {
    const client = await this.connect();
    return client.readResource({ uri }, { ...(signal && { signal }), timeout: this.callTimeoutMs });
  }

  /** What the connected server declared it offers beyond tools (nothing while not connected; never waits). */
  offers(): { prompts: boolean; resources: boolean; completions: boolean } {
    const capabilities = this.client?.getServerCapabilities();
    return { prompts: capabilities?.prompts !== undefined, resources: capabilities?.resources !== undefined, completions: capabilities?.completions !== undefined };
  }

  /** `prompts/list` (every page), kept until the server says its prompts changed or the connection is new. */
  async listPrompts(): Promise<Prompt[]> {
    const client = await this.connect();
    if (!this.offers().prompts) return [];
    this.promptList ??= client.listPrompts(undefined, { timeout: this.listTimeoutMs }).then(
      ({ prompts }) => prompts,
      (error: unknown) => {
        this.promptList = undefined;
        throw error;
      },
    );
    return this.promptList;
  }

  async getPrompt(name: string, args: Record<string, string>, signal?: AbortSignal): Promise<GetPromptResult> {
    const client = await this.connect();
    return client.getPrompt({ name, arguments: args }, { ...(signal && { signal }), timeout: this.callTimeoutMs });
  }

  /** `resources/list` and `resources/templates/list` (every page), kept like the prompts. */
  async listResources(): Promise<ResourceCatalog> {
    const client = await this.connect();
    if (!this.offers().resources) return { resources: [], templates: [] };
    this.resourceList ??= Promise.all([
      client.listResources(undefined, { timeout: this.listTimeoutMs }),
      // A server may have resources but no templates (or refuse the method): its resources still count.
      client.listResourceTemplates(undefined, { timeout: this.listTimeoutMs }).catch(() => ({ resourceTemplates: [] })),
    ]).then(
      ([{ resources }, { resourceTemplates }]) => ({ resources, templates: resourceTemplates }),
      (error: unknown) => {
        this.resourceList = undefined;
        throw error;
      },
    );
    return this.resourceList;
  }

  /** `completion/complete` for a prompt's or a resource template's argument; no values when the server does not complete. */
  async complete(params: CompleteRequest['params'], signal?: AbortSignal): Promise<string[]> {
    const client = await this.connect();
    if (!this.offers().completions) return [];
    const { completion } = await client.complete(params, { ...(signal && { signal }), timeout: this.listTimeoutMs });
    return completion.values;
  }

  private get listTimeoutMs(): number {
    return this.options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  }

  /**
   * `logging/setLevel` where the protocol has it (up to 2025-11-25; 2026-07-28 dropped the method,
   * so there the level only filters what is shown). Throws when the server has no logging capability.
   */
  async setLogLevel(level: LoggingLevel): Promise<void> {
    const client = await this.connect();
    if (client.getServerCapabilities()?.logging === undefined) throw new Error(`the MCP server at ${this.options.target} does not accept a log level (no logging capability)`);
    if ((client.getNegotiatedProtocolVersion() ?? '') >= '2026-07-28') return;
    await client.setLoggingLevel(level);
  }

  /** Tells a connected server its roots changed (`notifications/roots/list_changed`). */
  async rootsChanged(): Promise<void> {
    await this.client?.sendRootsListChanged().catch(() => undefined);
  }

  private get callTimeoutMs(): number {
    return this.options.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
  }

  /** The connected client; throws McpSessionError (already reported) when the server cannot be used. */
  connect(): Promise<Client> {
    if (this.client) return Promise.resolve(this.client);
    this.connecting ??= this.open().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  async callTool(name: string, args: Record<string, unknown>, options: CallOptions = {}): Promise<CallToolResult> {
    this.inFlight++;
    try {
      return await this.callOnce(name, args, options);
    } finally {
      this.inFlight--;
      await this.remembering;
      if (this.eraSwitchPending && this.inFlight === 0 && this.client) {
        this.eraSwitchPending = false;
        // Connected again before the next model round, so its tools stay offered.
        await this.reconnect().catch(() => undefined);
      }
    }
  }

  private async callOnce(name: string, args: Record<string, unknown>, options: CallOptions): Promise<CallToolResult> {
    for (let attempt = 0; ; attempt++) {
      const client = await this.connect();
      try {
        options.onSent?.();
        const trace = traceCarrier();
        const result = await client.callTool(
          // With tracing on, the trace also travels in the request's _meta (SEP-414), for servers that read only the message.
          { name, arguments: args, ...(trace && { _meta: trace }) },
          {
            ...(options.signal && { signal: options.signal }),
            onprogress: (progress) => options.onprogress?.(progress),
            timeout: this.callTimeoutMs,
            resetTimeoutOnProgress: true,
          },
        );
        // A call that works proves the connection, whatever an earlier failure said.
        if (this.state.state !== 'connected') this.setState(this.connectedState(client));
        if (this.overHttp(client)) this.relist = true;
        if (result.isError && this.needsBackChannel(client, resultText(result))) return { ...result, content: [...result.content, { type: 'text', text: BACK_CHANNEL_NOTE }] };
        return result;
      } catch (error) {
        // The caller decides what a cancelled call means; nothing about the connection is known.
        if (options.signal?.aborted) throw error;
        if (this.needsBackChannel(client, errorMessage(error))) {
          throw new McpSessionError({ kind: 'other', message: `${this.classify(error).message}. ${BACK_CHANNEL_NOTE}` });
        }
        if (isTimeout(error)) {
          const ms = this.callTimeoutMs;
          const span = ms < 10_000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`;
          throw new McpSessionError({ kind: 'other', message: `the MCP server at ${this.options.target} sent nothing for ${span} during ${name} (call timeout)` });
        }
        const failure = this.classify(error);
        const broken = failure.kind === 'connection-lost' || failure.kind === 'unreachable';
        if (broken) await this.drop(client);
        // Sent again only when it never reached the server (refused, unknown host, session unknown:
        // 'unreachable'). A connection lost once the request went out may have started the tool —
        // progress or not — and a second run could repeat its side effects: reported instead.
        if (failure.kind === 'unreachable' && attempt === 0) continue;
        if (broken || failure.kind === 'sign-in' || failure.kind === 'auth-failed') this.report(failure);
        if (failure.kind === 'connection-lost') throw new McpSessionError({ ...failure, message: `${failure.message}; the call may have run there, so it was not sent again` });
        throw new McpSessionError(failure);
      }
    }
  }

  /** Drops the client and connects anew (after sign-in, or to pick up a changed tool list). */
  async reconnect(): Promise<void> {
    if (this.client) await this.drop(this.client);
    await this.connect();
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.remembering;
    // A connect in flight is stopped, not waited for: a hanging server must not hold up the exit.
    if (this.opening) this.transports.get(this.opening)?.willClose?.();
    await this.opening?.close().catch(() => undefined);
    if (this.client) await this.drop(this.client);
  }

  /**
   * Under `auto`, a 2026-07-28 connection whose server refused to ask because it has no
   * back-channel (a 2025-era Python server): from now on this server gets 2025-11-25.
   */
  private needsBackChannel(client: Client, text: string): boolean {
    const auto = this.options.protocolVersion === undefined || this.options.protocolVersion === 'auto';
    if (!auto || this.era.kind !== 'negotiate' || client.getNegotiatedProtocolVersion() !== MODERN_VERSION || !refusesWithoutBackChannel(text)) return false;
    this.era = { kind: 'legacy', version: LEGACY_VERSIONS[0] };
    this.eraSwitchPending = true;
    this.learned(LEGACY_VERSIONS[0]);
    return true;
  }

  /** Keeps what this run learned for the next (best effort: a store that cannot be written only means learning it again). */
  private learned(version: string | undefined): void {
    const memory = this.options.protocolMemory;
    if (!memory) return;
    const previous = this.remembering;
    this.remembering = (async () => {
      await previous;
      await memory.remember(version).catch(() => undefined);
    })();
  }

  private async open(): Promise<Client> {
    if (!this.recalled) {
      this.recalled = true;
      // Under `auto` over HTTP: an earlier run found this server needs the 2025 back-channel.
      const learned = this.era.kind === 'negotiate' ? await this.options.protocolMemory?.recall().catch(() => undefined) : undefined;
      if (learned && (LEGACY_VERSIONS as readonly string[]).includes(learned)) {
        this.era = { kind: 'legacy', version: learned };
        this.eraFromMemory = true;
      }
    }
    try {
      return await this.openIn(this.era);
    } catch (error) {
      if (!(error instanceof HandshakeRefusedError)) throw error;
      // Under `auto`, a stdio server that refused the 2025 handshake (or a server that no longer takes the revision an earlier run learned) is asked the 2026 way.
      if (this.eraFromMemory) this.learned(undefined);
      this.eraFromMemory = false;
      this.era = { kind: 'negotiate' };
      return this.openIn(this.era);
    }
  }

  /**
   * `auto` tried the 2025 handshake on a stdio server, or on an HTTP server as an earlier run
   * learned, and the server answered it with an error (over HTTP a 2026-only server says 400).
   */
  private refusedHandshake(era: Era, error: unknown): boolean {
    const auto = this.options.protocolVersion === undefined || this.options.protocolVersion === 'auto';
    const sdk = loadedMcpSdk();
    if (!auto || era.kind !== 'legacy' || sdk === undefined) return false;
    if (error instanceof sdk.ProtocolError || error instanceof sdk.UnsupportedProtocolVersionError) return this.options.stdio === true || this.eraFromMemory;
    return this.eraFromMemory && error instanceof sdk.SdkHttpError && error.data?.status === 400;
  }

  private async openIn(era: Era): Promise<Client> {
    if (this.closed) throw new McpSessionError({ kind: 'other', message: 'the session is closed' });
    this.setState({ state: 'connecting' });
    const { Client, StreamableHTTPClientTransport } = await loadMcpSdk();
    const client: Client = new Client(this.options.clientInfo ?? { name: 'warden', version: WARDEN_VERSION }, {
      ...clientNegotiation(era),
      ...(this.options.features && { capabilities: CLIENT_CAPABILITIES }),
      // The SDK subscribes in whichever way the era needs (a notification, or subscriptions/listen);
      // we list again ourselves so the next model round can wait for the new list.
      listChanged: {
        tools: { autoRefresh: false, debounceMs: 0, onChanged: () => this.refreshTools(client) },
        prompts: { autoRefresh: false, debounceMs: 0, onChanged: () => this.forgetLists(client, 'prompts') },
        resources: { autoRefresh: false, debounceMs: 0, onChanged: () => this.forgetLists(client, 'resources') },
      },
    });
    if (this.options.features) installClientFeatures(client, this.options.features);
    this.opening = client;
    const timeoutMs = this.options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new ConnectTimeoutError(timeoutMs)), timeoutMs);
    });
    try {
      const { tools } = await Promise.race([
        (async () => {
          const opened = await this.options.openTransport();
          const { transport } = opened;
          this.transports.set(client, opened);
          await client.connect(transport);
          // Whatever the server advertised (FastMCP says listChanged: false and sends it anyway), a change it announces is honoured.
          client.setNotificationHandler('notifications/tools/list_changed', () => this.refreshTools(client));
          if (transport instanceof StreamableHTTPClientTransport) watchRequestStreams(transport);
          return client.listTools();
        })(),
        timedOut,
      ]);
      if (this.closed) throw new McpSessionError({ kind: 'other', message: 'the session is closed' });
      this.client = client;
      this.toolList = tools;
      this.promptList = undefined;
      this.resourceList = undefined;
      // The server went away (a stdio child exited, the stream closed): report it once.
      client.onclose = () => {
        if (this.client !== client) return;
        this.client = undefined;
        if (!this.closed) this.report({ kind: 'connection-lost', message: `lost the connection to the MCP server at ${this.options.target}` });
      };
      this.setState(this.connectedState(client));
      return client;
    } catch (error) {
      await client.close().catch(() => undefined);
      if (this.refusedHandshake(era, error)) throw new HandshakeRefusedError();
      const stray = this.transports.get(client)?.strayOutput?.();
      const failure: McpFailure =
        error instanceof ConnectTimeoutError && stray !== undefined
          ? // It talked, but not MCP: the reason, not "no answer" (retrying will not change what it writes).
            {
              kind: 'unreachable',
              message: (this.options.redact ?? ((text: string) => text))(
                `${this.options.target} writes text that is not MCP on stdout ("${stray}"): a stdio server must write only MCP messages there (logs go to stderr)`,
              ),
              permanent: true,
            }
          : error instanceof ConnectTimeoutError
            ? { kind: 'unreachable', message: `the MCP server at ${this.options.target} did not answer within ${Math.round(timeoutMs / 1000)} s`, timedOutMs: timeoutMs }
            : this.classify(error);
      this.report(failure);
      throw new McpSessionError(failure);
    } finally {
      clearTimeout(timer);
      this.opening = undefined;
    }
  }

  /** Classifies a failure; without an AuthProvider a 401 can only mean the server wants a token. */
  private classify(error: unknown): McpFailure {
    const failure = classifyMcpError(error, this.options.target);
    if (failure.kind === 'sign-in' && !this.options.authProvider) {
      return { kind: 'sign-in', message: `the server at ${this.options.target} requires sign-in, and no sign-in is set up for it` };
    }
    return this.options.redact ? { ...failure, message: this.options.redact(failure.message) } : failure;
  }

  private report(failure: McpFailure): void {
    // After close() nobody is listening, and a stopped connect is no news.
    if (this.closed) return;
    this.setState(
      failure.kind === 'sign-in' || failure.kind === 'auth-failed'
        ? { state: 'sign-in-needed', reason: failure.message }
        : { state: 'unreachable', error: failure.message, ...(failure.kind === 'unreachable' && failure.permanent && { permanent: true as const }) },
    );
  }

  private connectedState(client: Client): ConnectionState {
    const serverName = client.getServerVersion()?.name;
    const protocolVersion = client.getNegotiatedProtocolVersion();
    const logging = client.getServerCapabilities()?.logging !== undefined;
    return { state: 'connected', toolCount: this.toolList.length, ...(serverName && { serverName }), ...(protocolVersion && { protocolVersion }), ...(logging && { logging }) };
  }

  private setState(state: ConnectionState): void {
    this.state = state;
    this.options.onConnection(state);
  }

  /** The client talks HTTP (Streamable or legacy SSE), where notifications and results travel on different streams. */
  private overHttp(client: Client): boolean {
    const sdk = loadedMcpSdk();
    const transport = this.transports.get(client)?.transport;
    return sdk !== undefined && (transport instanceof sdk.StreamableHTTPClientTransport || transport instanceof sdk.SSEClientTransport);
  }

  private async drop(client: Client): Promise<void> {
    if (this.client === client) this.client = undefined;
    const opened = this.transports.get(client);
    const transport = opened?.transport;
    opened?.willClose?.();
    // A stateful server keeps our session until told (DELETE); stateless ones have no session id.
    if (transport && 'terminateSession' in transport && (transport as { sessionId?: string }).sessionId) {
      const ended = (transport as { terminateSession(): Promise<void> }).terminateSession().catch(() => undefined);
      // A server that hangs must not hold up the exit.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([ended, new Promise<void>((resolve) => (timer = setTimeout(resolve, TERMINATE_WAIT_MS)))]);
      clearTimeout(timer);
    }
    await client.close().catch(() => undefined);
  }

  /** After prompts or resources list_changed: the next look lists them again. */
  private forgetLists(client: Client, which: 'prompts' | 'resources'): void {
    if (this.client !== client) return;
    if (which === 'prompts') this.promptList = undefined;
    else this.resourceList = undefined;
  }

  /** After list_changed: lists again and reports the new count; the next model round waits for it. */
  private refreshTools(client: Client): void {
    // Bounded like a connect: the next model round waits for this.
    const refresh = client
      .listTools(undefined, { timeout: this.options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS })
      .then(({ tools }) => {
        if (this.client !== client) return;
        this.toolList = tools;
        this.setState(this.connectedState(client));
      })
      // A failed refresh keeps the old list; a broken connection shows up on the next call.
      .catch(() => undefined)
      .finally(() => {
        if (this.refreshing === refresh) this.refreshing = undefined;
      });
    this.refreshing = refresh;
  }
}

/** A tool result's text parts, joined (what a server's refusal says). */
function resultText(result: CallToolResult): string {
  return result.content.flatMap((part) => (part.type === 'text' ? [part.text] : [])).join('\n');
}

function isTimeout(error: unknown): boolean {
  const sdk = loadedMcpSdk();
  return sdk !== undefined && error instanceof sdk.SdkError && error.code === sdk.SdkErrorCode.RequestTimeout;
}
