import { randomUUID } from 'node:crypto';
import { isLegacyRequest, WebStandardStreamableHTTPServerTransport, type McpHandlerRequestOptions, type McpServerFactory } from '@modelcontextprotocol/server';
import type { Logger } from './log.js';
import { principalOf } from './principal.js';

export interface LegacySessionOptions {
  factory: McpServerFactory;
  /** Serves everything that is not a 2025-era session request (the stateless handler). */
  fallback: (request: Request, options?: McpHandlerRequestOptions) => Promise<Response>;
  logger: Logger;
  now?: () => number;
}

/** Sessions idle this long are closed (the spec has clients start a new one on the 404). */
const IDLE_MS = 30 * 60_000;
/** A bound on memory held for clients that never send DELETE. */
const MAX_SESSIONS = 1000;
/**
 * Sessions one caller may hold: each signed-in principal has its own quota, and every caller
 * without a token (AUTH_PUBLIC_TOOLS) shares one, so anonymous traffic can never fill the
 * global cap and lock signed-in users out.
 */
const MAX_SESSIONS_PER_PRINCIPAL = 16;

export interface LegacySessionRouter {
  fetch(request: Request, options?: McpHandlerRequestOptions): Promise<Response>;
  close(): Promise<void>;
}

interface Session {
  transport: WebStandardStreamableHTTPServerTransport;
  principal: string;
  lastSeen: number;
}

/**
 * Opt-in (MCP_LEGACY_SESSIONS): 2025-era clients that `initialize` get an Mcp-Session-Id
 * session on this replica, so the `notifications/cancelled` they POST separately reaches
 * the running call. Needs sticky routing across replicas; 2026-07-28 clients never use it.
 */
export function createLegacySessionRouter(o: LegacySessionOptions): LegacySessionRouter {
  const now = o.now ?? Date.now;
  const sessions = new Map<string, Session>();

  /** Sessions held or being opened, per principal: counted before `initialize` runs, so a burst of them cannot overshoot. */
  const held = new Map<string, number>();
  let heldTotal = 0;
  const release = (principal: string): void => {
    heldTotal--;
    const left = (held.get(principal) ?? 1) - 1;
    if (left > 0) held.set(principal, left);
    else held.delete(principal);
  };
  const drop = (id: string): void => {
    const session = sessions.get(id);
    if (!session) return;
    sessions.delete(id);
    release(session.principal);
  };
  const sweep = setInterval(() => {
    for (const [id, s] of sessions) if (now() - s.lastSeen > IDLE_MS) void s.transport.close().finally(() => drop(id));
  }, 60_000).unref();

  async function open(request: Request, options: McpHandlerRequestOptions): Promise<Response> {
    const principal = principalOf(options.authInfo);
    if (heldTotal >= MAX_SESSIONS) return rpcError(503, 'too many sessions; try again later');
    if ((held.get(principal) ?? 0) >= MAX_SESSIONS_PER_PRINCIPAL) {
      const who = options.authInfo ? 'this caller' : 'callers without a token';
      return rpcError(429, `too many sessions for ${who} (at most ${MAX_SESSIONS_PER_PRINCIPAL}); close one or try again later`);
    }
    heldTotal++;
    held.set(principal, (held.get(principal) ?? 0) + 1);
    let opened = false;
    try {
      const transport: WebStandardStreamableHTTPServerTransport = new WebStandardStreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        onsessioninitialized: (id) => {
          opened = true;
          sessions.set(id, { transport, principal, lastSeen: now() });
          o.logger.log('info', 'session opened', { session: id.slice(0, 8) });
        },
        onsessionclosed: drop,
      });
      const server = await o.factory({ era: 'legacy', ...(options.authInfo && { authInfo: options.authInfo }), requestInfo: request });
      await server.connect(transport);
      return await transport.handleRequest(request, options);
    } finally {
      if (!opened) release(principal);
    }
  }

  return {
    async fetch(request, options = {}) {
      // The HTTP layer hands over the body it already parsed; the Request itself then has none to read.
      if (!(await isLegacyRequest(request, options.parsedBody))) return o.fallback(request, options);
      const id = request.headers.get('mcp-session-id');
      if (id === null) return (await isInitialize(request, options.parsedBody)) ? open(request, options) : o.fallback(request, options);
      const session = sessions.get(id);
      // Another caller's session id is treated as unknown: sessions never cross principals.
      if (!session || session.principal !== principalOf(options.authInfo)) return rpcError(404, 'Session not found');
      session.lastSeen = now();
      return session.transport.handleRequest(request, options);
    },
    async close() {
      clearInterval(sweep);
      await Promise.all([...sessions.values()].map((s) => s.transport.close()));
      sessions.clear();
      held.clear();
      heldTotal = 0;
    },
  };
}

async function isInitialize(request: Request, parsedBody: unknown): Promise<boolean> {
  if (request.method !== 'POST') return false;
  try {
    const body: unknown = parsedBody ?? (await request.clone().json());
    return typeof body === 'object' && body !== null && (body as { method?: unknown }).method === 'initialize';
  } catch {
    return false;
  }
}

function rpcError(status: number, message: string): Response {
  return Response.json({ jsonrpc: '2.0', error: { code: -32001, message }, id: null }, { status });
}
