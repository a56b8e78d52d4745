import { randomUUID } from 'node:crypto';
import {
  isLegacyRequest,
  WebStandardStreamableHTTPServerTransport,
  type AuthInfo,
  type McpHandlerRequestOptions,
  type McpServerFactory,
} from '@modelcontextprotocol/server';
import type { Logger } from './log.js';

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
  const sweep = setInterval(() => {
    for (const [id, s] of sessions) if (now() - s.lastSeen > IDLE_MS) void s.transport.close().finally(() => sessions.delete(id));
  }, 60_000).unref();

  async function open(request: Request, options: McpHandlerRequestOptions): Promise<Response> {
    if (sessions.size >= MAX_SESSIONS) return rpcError(503, 'too many sessions; try again later');
    const principal = principalOf(options.authInfo);
    const transport: WebStandardStreamableHTTPServerTransport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        sessions.set(id, { transport, principal, lastSeen: now() });
        o.logger.log('info', 'session opened', { session: id.slice(0, 8) });
      },
      onsessionclosed: (id) => {
        sessions.delete(id);
      },
    });
    const server = await o.factory({ era: 'legacy', ...(options.authInfo && { authInfo: options.authInfo }), requestInfo: request });
    await server.connect(transport);
    return transport.handleRequest(request, options);
  }

  return {
    async fetch(request, options = {}) {
      if (!(await isLegacyRequest(request))) return o.fallback(request, options);
      const id = request.headers.get('mcp-session-id');
      if (id === null) return (await isInitialize(request)) ? open(request, options) : o.fallback(request, options);
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
    },
  };
}

function principalOf(auth: AuthInfo | undefined): string {
  if (!auth) return 'anonymous';
  const { subject, tenantId } = (auth.extra ?? {}) as { subject?: string; tenantId?: string };
  return `${tenantId ?? ''}/${subject ?? ''}/${auth.clientId}`;
}

async function isInitialize(request: Request): Promise<boolean> {
  if (request.method !== 'POST') return false;
  try {
    const body: unknown = await request.clone().json();
    return typeof body === 'object' && body !== null && (body as { method?: unknown }).method === 'initialize';
  } catch {
    return false;
  }
}

function rpcError(status: number, message: string): Response {
  return Response.json({ jsonrpc: '2.0', error: { code: -32001, message }, id: null }, { status });
}
