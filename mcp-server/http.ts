import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { AuthInfo } from '@modelcontextprotocol/server';
import { metadataPaths } from '../auth/verify/metadata.js';
import { errorMessage } from '../config/error-text.js';
import { describeMethods, loggedName, MAX_BATCH_MESSAGES, parseBody, peekMessages, type PeekedMessage } from './access.js';
import type { AuthFailure } from '../auth/verify/challenge.js';
import type { AuthGate, Credentials } from './auth-gate.js';
import { type ByteBudget, MAX_BODY_BYTES, readBody } from './body.js';
import type { ServerAuthConfig } from './config.js';
import type { Logger } from './log.js';
import { serveMetadata } from './metadata-route.js';
import { methodLabel, noMetrics, refusalReason, type ServerMetrics, toolLabel } from './observe/metrics.js';
import { endRequestTrace, inRequestContext, type RequestTrace, startRequestTrace, traceTokenCheck } from './observe/tracing.js';
import { principalOf } from './principal.js';
import type { RateLimiter } from './rate-limit.js';
import { bindScope, type RequestScope } from './request-scope.js';
import { sendJson, sendRpcError } from './respond.js';
import { serveThroughFetch, type McpFetch } from './web-bridge.js';

export const MCP_PATH = '/mcp';

/** `serving` → `draining` (readiness fails, calls still served) → `closing` (no new connections) → `closed`. */
export interface Lifecycle {
  state: 'serving' | 'draining' | 'closing' | 'closed';
}

type Guard = (req: IncomingMessage, res: ServerResponse) => boolean;

export interface HttpAppOptions {
  /** undefined = --no-auth. */
  auth?: { config: ServerAuthConfig; gate: AuthGate };
  /** The /mcp URL clients use, when fixed by configuration; otherwise derived from the (validated) Host header. */
  publicUrl?: URL;
  /** DNS-rebinding protection; undefined when there is no allowlist to check against. */
  validateHost?: Guard;
  validateOrigin: Guard;
  /** Serves MCP (the SDK handler, or the legacy-session router in front of it). */
  mcp: McpFetch;
  /** What bodies read without a verified token may hold at once; unset = no bound (tests of other things). */
  unauthenticatedBodies?: ByteBudget;
  /** Tool calls per principal per minute (RATE_LIMIT_PER_MINUTE); unset = no limit. */
  rateLimit?: RateLimiter;
  /** Where the server is in its life: readiness fails once it drains; connections close after their answer once it stops accepting. */
  lifecycle?: Lifecycle;
  metrics?: ServerMetrics;
  /**
   * Told about a response that is a notification stream rather than a call (`subscriptions/listen`, a legacy GET
   * stream): it stays open for as long as the client likes, so draining does not wait for it.
   */
  onListenStream?(res: ServerResponse): void;
  /** Errors of the MCP handler itself (reporting only). */
  onerror(error: Error): void;
  logger: Logger;
}

/**
 * The HTTP surface: /healthz, RFC 9728 metadata, and /mcp behind Host/Origin checks, the bearer
 * gate (headers first, then the body for public tools and step-up) and body limits. Every request
 * ends in one structured log line.
 */
export function createRequestListener(options: HttpAppOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const { logger } = options;
  const metrics = options.metrics ?? noMetrics;
  const lifecycle = options.lifecycle ?? { state: 'serving' };
  const resources = lastResource();
  return (req, res) => {
    const scope: RequestScope = { id: randomUUID().slice(0, 8) };
    const started = performance.now();
    // Only the path is ever logged: a query string could carry a token. (The common case needs no parsing.)
    const path = req.url === MCP_PATH ? MCP_PATH : new URL(req.url ?? '/', 'http://localhost').pathname;
    // Once the server stops accepting, every answer ends its connection: clients reconnect to another replica.
    if (lifecycle.state === 'closing' || lifecycle.state === 'closed') res.shouldKeepAlive = false;
    const trace = startRequestTrace(req, path);
    const ids = trace && { trace_id: trace.span.spanContext().traceId, span_id: trace.span.spanContext().spanId };
    if (ids) scope.trace = ids;
    res.on('close', () => {
      const ms = performance.now() - started;
      logger.log('info', 'request', {
        request: scope.id,
        ...ids,
        method: req.method,
        path,
        ...(scope.rpc !== undefined && { rpc: scope.rpc }),
        ...(scope.tool !== undefined && { tool: scope.tool }),
        status: res.statusCode,
        ms: Math.round(ms),
        ...(scope.outcome !== undefined && { outcome: scope.outcome }),
      });
      if (path === MCP_PATH) metrics.request(scope.labels?.method ?? 'none', scope.labels?.tool ?? '', res.statusCode, ms / 1000);
      if (trace) endRequestTrace(trace, res.statusCode, scope);
    });
    inRequestContext(trace, () => route(req, res, path, scope, options, resources, lifecycle, metrics, trace)).catch((error: unknown) => {
      logger.log('error', 'request failed', { request: scope.id, ...ids, error: errorMessage(error) });
      if (!res.headersSent) sendJson(res, 500, { error: 'server_error', error_description: 'internal error' });
      else res.destroy();
    });
  };
}

/** The /mcp URL for a Host header, remembered for the last one seen (nearly every request names the same). */
function lastResource(): (host: string | undefined) => URL {
  let last: { host: string | undefined; url: URL } | undefined;
  return (host) => {
    if (last === undefined || last.host !== host) last = { host, url: new URL(MCP_PATH, `http://${host ?? 'localhost'}`) };
    return last.url;
  };
}

async function route(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  scope: RequestScope,
  o: HttpAppOptions,
  resources: (host: string | undefined) => URL,
  lifecycle: Lifecycle,
  metrics: ServerMetrics,
  trace: RequestTrace | undefined,
): Promise<void> {
  // Readiness and liveness: fails as soon as the server drains, so a load balancer stops sending before connections are refused.
  if (path === '/healthz') return lifecycle.state === 'serving' ? sendJson(res, 200, { status: 'ok' }) : sendJson(res, 503, { status: 'draining' }, { 'Retry-After': '1' });
  if (o.validateHost && !o.validateHost(req, res)) return;
  const resource = o.publicUrl ?? resources(req.headers.host);
  // The metadata paths are under /.well-known, never /mcp: worked out only for requests elsewhere.
  if (path !== MCP_PATH) {
    if (o.auth && metadataPaths(resource).includes(path)) return serveMetadata(req, res, resource, o.auth.config);
    return sendJson(res, 404, { error: 'not_found', error_description: `no such endpoint; MCP is at ${MCP_PATH}` });
  }
  if (!o.validateOrigin(req, res)) return;

  // The headers first: a presented token is checked, and (without public tools) a request without one is
  // refused, before a byte of its body is read.
  let credentials: Credentials | undefined;
  const tokenCheck = o.auth && traceTokenCheck(trace);
  if (o.auth) {
    const checked = o.auth.gate.authenticate(req, resource);
    credentials = checked instanceof Promise ? await checked : checked;
    if (!credentials.ok) {
      tokenCheck?.done('refused', credentials.reason);
      return refuseAuth(req, res, scope, o.logger, metrics, credentials);
    }
  }

  let body: Buffer | undefined;
  let parsed: { json: unknown } | undefined;
  let messages: PeekedMessage[] | undefined;
  if (req.method === 'GET') o.onListenStream?.(res);
  if (req.method === 'POST') {
    // Bodies read without a verified token share one budget, so slow or large ones cannot pile up without bound.
    const anonymous = credentials?.ok !== true || credentials.kind === 'anonymous';
    const read = await readBody(req, MAX_BODY_BYTES, anonymous ? o.unauthenticatedBodies && holdIn(o.unauthenticatedBodies, res) : undefined);
    if (!read.ok && read.reason === 'aborted') {
      scope.outcome = 'body incomplete';
      return;
    }
    if (!read.ok && read.reason === 'busy') {
      scope.outcome = 'busy';
      return sendRpcError(res, 503, -32000, 'server busy: too many request bodies without a token in flight; try again shortly', { 'Retry-After': '1', Connection: 'close' });
    }
    if (!read.ok) return sendTooLarge(res);
    body = read.body;
    parsed = parseBody(body);
    messages = peekMessages(parsed?.json);
    // Built before the batch cap, from the caller's text: bounded whatever the body holds.
    if (messages) scope.rpc = describeMethods(messages);
    const tool = messages?.find((m) => m.tool)?.tool;
    if (tool !== undefined) scope.tool = loggedName(tool);
    scope.labels = { method: methodLabel(messages?.map((m) => m.method)), tool: toolLabel(tool) };
    if (messages?.length === 1 && messages[0]?.method === 'subscriptions/listen') o.onListenStream?.(res);
  }

  let authInfo: AuthInfo | undefined;
  if (o.auth && credentials?.ok) {
    const outcome = o.auth.gate.admit(credentials, req, resource, messages);
    tokenCheck?.done(outcome.ok ? 'ok' : 'refused', outcome.ok ? undefined : outcome.reason);
    if (!outcome.ok) return refuseAuth(req, res, scope, o.logger, metrics, outcome);
    authInfo = outcome.authInfo;
  }
  if (messages && messages.length > MAX_BATCH_MESSAGES) {
    scope.outcome = 'batch refused';
    return sendRpcError(res, 400, -32600, `Invalid Request: a batch may hold at most ${MAX_BATCH_MESSAGES} messages, not ${messages.length}`);
  }
  const calls = o.rateLimit ? (messages?.filter((m) => m.method === 'tools/call').length ?? 0) : 0;
  if (o.rateLimit && calls > 0) {
    const decision = o.rateLimit.take(principalOf(authInfo), calls);
    if (!decision.ok) {
      scope.outcome = 'rate limited';
      metrics.rateLimited();
      const who = authInfo ? 'this caller' : 'callers without a token';
      const message = `rate limit: at most ${o.rateLimit.perMinute} tool calls per minute for ${who}; try again in ${decision.retryAfterSeconds} s`;
      return sendRpcError(res, 429, -32000, message, { 'Retry-After': String(decision.retryAfterSeconds) });
    }
  }

  await serveThroughFetch(
    o.mcp,
    req,
    res,
    {
      ...(parsed ? { parsedBody: parsed.json } : body && { rawBody: body }),
      ...(authInfo && { authInfo }),
      onRequest: (request) => bindScope(request, scope),
      onStream: metrics.stream,
    },
    o.onerror,
  );
}

function refuseAuth(
  req: IncomingMessage,
  res: ServerResponse,
  scope: RequestScope,
  logger: Logger,
  metrics: ServerMetrics,
  refusal: { failure: AuthFailure; reason: string },
): void {
  scope.outcome = 'auth refused';
  metrics.authRefused(refusalReason(refusal.failure));
  logger.log(refusal.failure.status === 503 ? 'error' : 'info', 'auth refused', { request: scope.id, ...scope.trace, reason: refusal.reason });
  // A body left unread is not read to keep the connection: it closes after the answer.
  const headers = req.complete ? refusal.failure.headers : { ...refusal.failure.headers, Connection: 'close' };
  sendJson(res, refusal.failure.status, refusal.failure.body, headers);
}

/** Takes a body's bytes from `budget` and gives them back once its response is done. */
function holdIn(budget: ByteBudget, res: ServerResponse): { bytes: ByteBudget; onHeld(bytes: number): void } {
  let held = 0;
  return {
    bytes: budget,
    onHeld(bytes) {
      if (held === 0) res.once('close', () => budget.give(held));
      held += bytes;
    },
  };
}

function sendTooLarge(res: ServerResponse): void {
  // Close the connection: the rest of the oversized body is never read.
  sendRpcError(res, 413, -32000, `request body exceeds ${MAX_BODY_BYTES} bytes`, { Connection: 'close' });
}
