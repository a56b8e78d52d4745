import type { AuthProvider, CallToolResult, Client, Progress, Tool, Transport } from '@modelcontextprotocol/client';
import type { ConnectionState } from '../engine-types.js';
import { classifyMcpError, type McpFailure } from './errors.js';
import { loadMcpSdk } from './sdk.js';
import { watchRequestStreams } from './stream-watch.js';

export interface McpSessionOptions {
  /** Where the server is, fit to print (a URL without userinfo or query secrets, or the command). */
  target: string;
  /** A fresh transport for each (re)connect. */
  openTransport: () => Promise<Transport>;
  /** Absent with --no-auth: no Authorization header at all. */
  authProvider?: AuthProvider;
  clientInfo?: { name: string; version: string };
  /** Connecting (initialize + tools/list) fails as unreachable after this long. */
  connectTimeoutMs?: number;
  /** Takes the server's secrets (URL userinfo, header values…) out of every failure message. */
  redact?: (text: string) => string;
  onConnection: (state: ConnectionState) => void;
}

export interface CallOptions {
  signal?: AbortSignal;
  onprogress?: (progress: Progress) => void;
  /** Called when the request is about to go out (the connection is up). */
  onSent?: () => void;
}

/** A failure the session already reported as connection state; `failure.message` is one line for the user. */
export class McpSessionError extends Error {
  override readonly name = 'McpSessionError';
  constructor(readonly failure: McpFailure) {
    super(failure.message);
  }
}

/** Connecting took longer than the server's connect timeout. */
class ConnectTimeoutError extends Error {
  override readonly name = 'ConnectTimeoutError';
  constructor(readonly ms: number) {
    super(`no answer within ${ms} ms`);
  }
}

/** Without progress a call may take this long; each progress notification restarts the clock. */
const CALL_TIMEOUT_MS = 120_000;

/** Without its own `timeout`, a server has this long to initialize and list its tools. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 30_000;

/**
 * One MCP server connection (SDK v2 client over the transport it is given, protocol negotiated
 * automatically). Connects on first need; a call that fails because the connection broke
 * (server restarted, socket reset) is retried once on a fresh client.
 */
export class McpSession {
  private client: Client | undefined;
  /** The client being connected, so close() can stop a connect that hangs. */
  private opening: Client | undefined;
  private connecting: Promise<Client> | undefined;
  private toolList: Tool[] = [];
  private closed = false;
  private state: ConnectionState = { state: 'connecting' };

  constructor(private readonly options: McpSessionOptions) {}

  get target(): string {
    return this.options.target;
  }

  /** The tools as of the last connect, while connected; undefined otherwise (never waits). */
  connectedTools(): Tool[] | undefined {
    return this.client ? this.toolList : undefined;
  }

  /** The connected client; throws McpSessionError (already reported) when the server cannot be used. */
  connect(): Promise<Client> {
    if (this.client) return Promise.resolve(this.client);
    this.connecting ??= this.open().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  async callTool(name: string, args: Record<string, unknown>, options: CallOptions = {}): Promise<CallToolResult> {
    for (let attempt = 0; ; attempt++) {
      const client = await this.connect();
      let progressed = false;
      try {
        options.onSent?.();
        const result = await client.callTool(
          { name, arguments: args },
          {
            ...(options.signal && { signal: options.signal }),
            onprogress: (progress) => {
              progressed = true;
              options.onprogress?.(progress);
            },
            timeout: CALL_TIMEOUT_MS,
            resetTimeoutOnProgress: true,
          },
        );
        // A call that works proves the connection, whatever an earlier failure said.
        if (this.state.state !== 'connected') this.setState(this.connectedState(client));
        return result;
      } catch (error) {
        // The caller decides what a cancelled call means; nothing about the connection is known.
        if (options.signal?.aborted) throw error;
        const failure = this.classify(error);
        const broken = failure.kind === 'connection-lost' || failure.kind === 'unreachable';
        if (broken) await this.drop(client);
        // Once the tool has reported progress it ran: a retry would run it twice.
        if (broken && attempt === 0 && !progressed) continue;
        if (broken || failure.kind === 'sign-in' || failure.kind === 'auth-failed') this.report(failure);
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
    // A connect in flight is stopped, not waited for: a hanging server must not hold up the exit.
    await this.opening?.close().catch(() => undefined);
    if (this.client) await this.drop(this.client);
  }

  private async open(): Promise<Client> {
    if (this.closed) throw new McpSessionError({ kind: 'other', message: 'the session is closed' });
    this.setState({ state: 'connecting' });
    const { Client, StreamableHTTPClientTransport } = await loadMcpSdk();
    const client = new Client(this.options.clientInfo ?? { name: 'warden', version: '0.1.0' }, { versionNegotiation: { mode: 'auto' } });
    this.opening = client;
    const timeoutMs = this.options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new ConnectTimeoutError(timeoutMs)), timeoutMs);
    });
    try {
      const { tools } = await Promise.race([
        (async () => {
          const transport = await this.options.openTransport();
          await client.connect(transport);
          if (transport instanceof StreamableHTTPClientTransport) watchRequestStreams(transport);
          return client.listTools();
        })(),
        timedOut,
      ]);
      if (this.closed) throw new McpSessionError({ kind: 'other', message: 'the session is closed' });
      this.client = client;
      this.toolList = tools;
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
      const failure: McpFailure =
        error instanceof ConnectTimeoutError ? { kind: 'unreachable', message: `the MCP server at ${this.options.target} did not answer within ${Math.round(timeoutMs / 1000)} s` } : this.classify(error);
      this.report(failure);
      throw new McpSessionError(failure);
    } finally {
      clearTimeout(timer);
      this.opening = undefined;
    }
  }

  /** Classifies a failure; without an AuthProvider (--no-auth) a 401 can only mean the server wants a token. */
  private classify(error: unknown): McpFailure {
    const failure = classifyMcpError(error, this.options.target);
    if (failure.kind === 'sign-in' && !this.options.authProvider) {
      return { kind: 'sign-in', message: `the server at ${this.options.target} requires sign-in (the agent runs with --no-auth)` };
    }
    return this.options.redact ? { ...failure, message: this.options.redact(failure.message) } : failure;
  }

  private report(failure: McpFailure): void {
    // After close() nobody is listening, and a stopped connect is no news.
    if (this.closed) return;
    this.setState(
      failure.kind === 'sign-in' || failure.kind === 'auth-failed'
        ? { state: 'sign-in-needed', reason: failure.message }
        : { state: 'unreachable', error: failure.message },
    );
  }

  private connectedState(client: Client): ConnectionState {
    const serverName = client.getServerVersion()?.name;
    const protocolVersion = client.getNegotiatedProtocolVersion();
    return { state: 'connected', toolCount: this.toolList.length, ...(serverName && { serverName }), ...(protocolVersion && { protocolVersion }) };
  }

  private setState(state: ConnectionState): void {
    this.state = state;
    this.options.onConnection(state);
  }

  private async drop(client: Client): Promise<void> {
    if (this.client === client) this.client = undefined;
    await client.close().catch(() => undefined);
  }
}
