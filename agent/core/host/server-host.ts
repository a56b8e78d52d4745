import { pathToFileURL } from 'node:url';
import type { CallToolResult, FetchLike, LoggingLevel, ReadResourceResult, Root } from '@modelcontextprotocol/client';
import type { Env } from '../../../config/load.js';
import type { SignInDirectory } from '../auth/server-sign-in.js';
import type { AuthState, ConnectionState, ServerLogLine, ServerStatus } from '../engine-types.js';
import type { CallOptions } from '../mcp/session.js';
import type { Scheduler } from './back-off.js';
import { DECLINE_ALL, HostedServer, type ServerQuestions, type TransportFactory, type WithheldTool } from './hosted-server.js';
import type { ServerConfig } from './server-config.js';
import type { ServerFeatures } from './server-features.js';
import type { ToolRouter } from './tool-router.js';
import { authSummary, connectionSummary, unavailableNote } from './summaries.js';
import { buildToolCatalog, toolArguments, type MappedTool, type ToolCatalog } from './tool-names.js';

export type { ServerQuestions, TransportFactory, WithheldTool } from './hosted-server.js';

/**
 * Several MCP servers at once: the collection of hosted servers (each owns its connection, sign-in
 * and back-off: hosted-server.ts) and the router between them — the one tool catalog the model
 * sees, a model's tool name back to its server, a command to the server it names.
 * Not responsible for one server's state, transports (given a factory), the model loop, display
 * (summaries.ts has the pure views).
 */

export interface ServerHostDeps {
  /** --no-auth (only for what /login says). */
  noAuth: boolean;
  /** Each server's sign-in. */
  signIns: SignInDirectory;
  createTransport: TransportFactory;
  /** Secrets to take out of what servers' errors say. */
  env?: Env;
  fetch?: FetchLike;
  now?: () => number;
  /** Called after any server's state changed. */
  onChange: () => void;
  /** Questions a server asks the user (elicitation) or the model (sampling); absent: declined. */
  questions?: ServerQuestions;
  /** Directories offered as roots. */
  roots: readonly string[];
  /** For servers without their own `timeout`. */
  connectTimeoutMs?: number;
  callTimeoutMs?: number;
  /** Reconnect timers (tests). */
  schedule?: Scheduler;
  /** Where learned protocol revisions are kept across runs (protocol-memory.ts); absent: nothing is kept. */
  protocolStore?: string;
  /** The chat: a call refused for want of a sign-in waits for it (hosted-server.ts). */
  holdCallsForSignIn?: boolean;
}

/** What settled() waits beyond the longest connect timeout: the timed-out connect reports its failure first. */
const SETTLE_MARGIN_MS = 1000;

export class ServerHost implements ToolRouter {
  private readonly servers: HostedServer[];
  private rootPaths: readonly string[];
  private readonly waiters = new Set<() => void>();

  /**
   * `prefixNames`: tools are named `SERVER__TOOL` for the model (and shown with their server);
   * off only for the one-server shortcut, whose tools keep their plain names.
   */
  readonly prefixNames: boolean;

  constructor(
    configs: readonly ServerConfig[],
    private readonly deps: ServerHostDeps,
  ) {
    this.rootPaths = deps.roots;
    this.prefixNames = !(configs.length === 1 && configs[0]?.source.kind === 'shortcut');
    const now = deps.now ?? Date.now;
    this.servers = configs.map(
      (config) =>
        new HostedServer(config, {
          signIn: deps.signIns.forServer(config),
          createTransport: deps.createTransport,
          questions: deps.questions ?? DECLINE_ALL,
          roots: () => this.roots(),
          now,
          onChange: () => this.changed(),
          ...(deps.env && { env: deps.env }),
          ...(deps.fetch && { fetch: deps.fetch }),
          ...(deps.connectTimeoutMs !== undefined && { connectTimeoutMs: deps.connectTimeoutMs }),
          ...(deps.callTimeoutMs !== undefined && { callTimeoutMs: deps.callTimeoutMs }),
          ...(deps.schedule && { schedule: deps.schedule }),
          ...(deps.protocolStore !== undefined && { protocolStore: deps.protocolStore }),
          ...(deps.holdCallsForSignIn && { holdCallsForSignIn: true }),
        }),
    );
  }

  statuses(): ServerStatus[] {
    return this.servers.map((s) => s.status());
  }

  authSummary(): AuthState {
    return authSummary(this.statuses());
  }

  connectionSummary(): ConnectionState {
    return connectionSummary(this.statuses(), this.catalog().tools.length);
  }

  /** Connects every server at once; resolves when each has connected or failed (never throws). */
  async start(): Promise<void> {
    await Promise.all(this.servers.map((s) => s.connect()));
  }

  /**
   * Resolves once every server's first connect is over, or after `ms`, whichever is first. Each
   * connect is bounded by its server's connect timeout, so by default this waits for the slowest
   * of them (a moment more, so a connect that times out is reported first).
   */
  async settled(ms = Math.max(0, ...this.servers.map((s) => s.connectTimeoutMs)) + SETTLE_MARGIN_MS): Promise<void> {
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
    if (only && options.connect) await only.connectOrThrow();
    // A server that said its tools changed is listed again before the model sees the catalog.
    await Promise.all(this.servers.map((s) => s.toolsSettled()));
    const note = only ? undefined : unavailableNote(this.statuses());
    return { catalog: this.catalog(), ...(note && { note }) };
  }

  catalog(): ToolCatalog {
    return buildToolCatalog(
      this.servers.flatMap((s) => s.tools()),
      { prefix: this.prefixNames },
    );
  }

  async callTool(tool: MappedTool, input: Record<string, unknown>, options: CallOptions): Promise<CallToolResult> {
    const server = this.servers.find((s) => s.name === tool.server);
    if (!server) throw new Error(`no server named "${tool.server}"`);
    return server.call(tool.tool, toolArguments(tool, input), options);
  }

  /** The roots every server is offered, as `file://` URIs. */
  roots(): Root[] {
    return this.rootPaths.map((path) => ({ uri: pathToFileURL(path).href, name: path }));
  }

  /** Replaces the roots and tells connected servers (`notifications/roots/list_changed`). */
  async setRoots(paths: readonly string[]): Promise<void> {
    this.rootPaths = [...paths];
    await Promise.all(this.servers.map((s) => s.rootsChanged()));
  }

  /** Tools servers list that the model is not offered because they need something Warden lacks. */
  withheld(): WithheldTool[] {
    return this.servers.flatMap((s) => s.withheld());
  }

  /** `resources/read` on `server` when it has resources (for resource links in results). */
  resourceReader(server: string): ((uri: string) => Promise<ReadResourceResult>) | undefined {
    return this.servers.find((s) => s.name === server)?.resourceReader();
  }

  /** Every configured server's prompts, resources and completion (for the user's input), in configuration order. */
  features(): ServerFeatures[] {
    return [...this.servers];
  }

  /** Every log message kept for `name` (all levels), oldest first. */
  logs(name: string): ServerLogLine[] {
    return this.find(name).logs();
  }

  /** `logging/setLevel` on one server; its messages from then on are shown from this level. */
  async setLogLevel(name: string, level: LoggingLevel): Promise<void> {
    await this.find(name).setLogLevel(level);
  }

  async reconnect(name: string): Promise<void> {
    await this.find(name).reconnect();
  }

  /** Interactive sign-in to `name`, or the first server that needs it (else the first that signs in at all). */
  async signIn(signal?: AbortSignal, name?: string): Promise<void> {
    const server = name !== undefined ? this.find(name) : (this.servers.find((s) => s.signsIn && s.needsSignIn) ?? this.servers.find((s) => s.signsIn));
    if (!server?.signsIn) {
      throw new Error(
        this.deps.noAuth ? 'authentication is off (--no-auth): there is nothing to sign in to' : `no server${name ? ` named "${name}"` : ''} signs in with a device code`,
      );
    }
    try {
      await server.signIn(signal);
    } catch (error) {
      server.signInEnded(false);
      throw error;
    }
    // The new token goes out on a fresh connection, which also refreshes the status and tool list.
    // Servers still waiting for a sign-in try again too: Entra servers share the account, so its
    // refresh token may now get each of them a token for its own scope without another code.
    const waiting = this.servers.filter((s) => s !== server && s.signsIn && s.needsSignIn);
    await Promise.all([server, ...waiting].map((s) => s.reconnect()));
    // Calls held for the sign-in go on over the new connections.
    for (const s of [server, ...waiting]) s.signInEnded(true);
  }

  /** The user's answer to the server whose sign-in waits for approval; yes reconnects it. */
  async answerApproval(approved: boolean): Promise<void> {
    const server = this.servers.find((s) => s.waitsForApproval);
    if (server && (await server.answerApproval(approved)) && approved) await server.reconnect();
  }

  async signOut(): Promise<void> {
    await Promise.all(this.servers.map((s) => s.signOut()));
  }

  /** A stdio server's process ended on its own. */
  serverExited(name: string, reason: string): void {
    this.servers.find((s) => s.name === name)?.exited(reason);
  }

  async close(): Promise<void> {
    await Promise.all(this.servers.map((s) => s.close()));
  }

  private changed(): void {
    this.deps.onChange();
    for (const waiter of [...this.waiters]) waiter();
  }

  private find(name: string): HostedServer {
    const server = this.servers.find((s) => s.name === name);
    if (!server) throw new Error(`no server named "${name}" (see /mcp)`);
    return server;
  }
}
