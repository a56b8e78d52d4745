import type { ScopeChallengeHandler } from '@modelcontextprotocol/server';
import { missingScopes, requestableScopes } from '../auth/verify/scopes.js';
import type { ServerAuthConfig } from './config.js';
import type { ToolName } from './tools/names.js';

/** Just enough of a JSON-RPC message to decide about access and to log. */
export interface PeekedMessage {
  method?: string;
  tool?: string;
}

/**
 * Batches (only 2025-03-26 clients send them) run every call at once: one POST of 100 weather
 * calls would fan out into 200 NWS requests. Nobody needs more than a few per request.
 */
export const MAX_BATCH_MESSAGES = 10;

/** Method names one log line lists; the rest of a batch is counted, not listed. */
const LOGGED_METHODS = 10;
/** Longest method or tool name a log line carries (both come from the caller). */
const LOGGED_NAME_CHARS = 64;

/**
 * Parses a POST body once for everyone: the access checks and the log here, and the SDK (as its
 * `parsedBody`). Decodes exactly as the SDK's transport would (TextDecoder: a UTF-8 BOM is dropped,
 * bad bytes become U+FFFD). `undefined` when the body is not JSON; the SDK then gets the bytes.
 */
export function parseBody(body: Buffer): { json: unknown } | undefined {
  try {
    return { json: JSON.parse(new TextDecoder().decode(body)) };
  } catch {
    return undefined;
  }
}

/** The messages of a parsed body (a batch or one); undefined when it is not JSON-RPC-shaped. */
export function peekMessages(json: unknown): PeekedMessage[] | undefined {
  const items: unknown[] = Array.isArray(json) ? json : [json];
  if (items.length === 0 || !items.every((m) => typeof m === 'object' && m !== null)) return undefined;
  return (items as Record<string, unknown>[]).map((m) => {
    const method = typeof m.method === 'string' ? m.method : undefined;
    const params = m.params as Record<string, unknown> | undefined;
    const tool = method === 'tools/call' && typeof params?.name === 'string' ? params.name : undefined;
    return { ...(method !== undefined && { method }), ...(tool !== undefined && { tool }) };
  });
}

/** The `rpc` field of a request's log line: at most LOGGED_METHODS names, each cut short, then a count of the rest. */
export function describeMethods(messages: readonly PeekedMessage[]): string {
  const listed = messages.slice(0, LOGGED_METHODS).map((m) => loggedName(m.method ?? 'response'));
  const rest = messages.length - listed.length;
  return rest > 0 ? `${listed.join(',')},… (+${rest} more)` : listed.join(',');
}

export function loggedName(name: string): string {
  return name.length > LOGGED_NAME_CHARS ? `${name.slice(0, LOGGED_NAME_CHARS)}…` : name;
}

/** Methods anyone may send once AUTH_PUBLIC_TOOLS opens the server: discovery and listing, no execution. */
const OPEN_METHODS = new Set(['initialize', 'server/discover', 'ping', 'tools/list']);

/** With public tools configured: may these messages go through without a token? */
export function isOpenRequest(messages: PeekedMessage[] | undefined, publicTools: readonly string[]): boolean {
  if (publicTools.length === 0 || messages === undefined) return false;
  return messages.every(({ method, tool }) => {
    if (method === undefined) return false;
    if (method.startsWith('notifications/') || OPEN_METHODS.has(method)) return true;
    return method === 'tools/call' && tool !== undefined && publicTools.includes(tool);
  });
}

/**
 * AUTH_TOOL_SCOPES as the SDK's per-tool scope check: a verified token missing a tool's
 * scope gets 403 insufficient_scope naming it. Calls without a token (public tools) pass.
 */
export function toolScopeChallenges(auth: ServerAuthConfig | undefined): (tool: ToolName) => ScopeChallengeHandler | undefined {
  // Built once: the server registers its tools again for every request.
  const handlers = new Map<string, ScopeChallengeHandler>();
  for (const [tool, extra] of Object.entries(auth?.toolScopes ?? {})) {
    if (!auth || !extra?.length) continue;
    const needed = [...new Set([...auth.requiredScopes, ...extra])];
    handlers.set(tool, ({ authInfo }) => {
      if (!authInfo) return undefined;
      const missing = missingScopes(authInfo.scopes, needed);
      if (missing.length === 0) return undefined;
      const [first, ...rest] = requestableScopes(needed, auth.scopePrefix);
      return { scopes: [first as string, ...rest], errorDescription: `${tool} needs scope ${missing.join(', ')}` };
    });
  }
  return (tool) => handlers.get(tool);
}
