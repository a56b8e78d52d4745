import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { hostHeaderValidation, originValidation } from '@modelcontextprotocol/node';
import { createMcpHandler, type McpHandlerRequestOptions } from '@modelcontextprotocol/server';
import { createTokenVerifier } from '../auth/verify/jwt-verifier.js';
import { createKeySource } from '../auth/verify/key-source.js';
import { toolScopeChallenges } from './access.js';
import { createAuthGate } from './auth-gate.js';
import { byteBudget, MAX_BODY_BYTES } from './body.js';
import { isLoopbackHost } from '../config/http-url.js';
import type { ServerConfig } from './config.js';
import { createRequestListener, type Lifecycle, MCP_PATH } from './http.js';
import { connectableHost, listen } from './listen.js';
import { createLegacySessionRouter } from './legacy-sessions.js';
import { jsonLineLogger, type Logger } from './log.js';
import { createServerFactory } from './mcp-factory.js';
import { createNwsClient } from './nws/client.js';
import { noMetrics } from './observe/metrics.js';
import { createRateLimiter } from './rate-limit.js';

export interface ServerDeps {
  /** Outbound HTTP (NWS, and the JWKS unless WARDEN_DEV_CA_FILE brings its own). */
  fetch?: typeof fetch;
  /** Wall clock for token expiry checks, signing-key refresh timing and log timestamps. */
  now?: () => number;
  /** Structured log sink; default JSON lines on stderr. */
  logger?: Logger;
}

export interface RunningServer {
  /** e.g. http://127.0.0.1:8000/mcp (a wildcard bind is reported as loopback, which is connectable). */
  url: string;
  origin: string;
  /** The Prometheus exposition, when METRICS_PORT is set. */
  metricsUrl?: string;
  /**
   * Graceful stop (SIGTERM): readiness (/healthz) fails at once while calls are still served for
   * `config.drain.delayMs`, so load balancers stop sending; then no new connections, in-flight calls
   * get `config.drain.timeoutMs` to finish, and whatever still runs is stopped as by `close()`.
   */
  drain(): Promise<void>;
  /** Stops accepting, cancels running calls, closes connections. Idempotent. */
  close(): Promise<void>;
}

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];
/** A request's headers arrive in one go from any honest client. */
const HEADERS_TIMEOUT_MS = 10_000;
const KEEP_ALIVE_TIMEOUT_MS = 65_000;
/**
 * What all bodies read without a verified token (public tools, --no-auth) may hold at once: 16 bodies of
 * the largest size; past it such requests get 503 + Retry-After. With a token, bodies are read after the check.
 */
const UNAUTHENTICATED_BODY_BYTES = 16 * 1024 * 1024;

/** Starts the MCP server in this process (what `warden serve`, the demo and tests use). Port 0 picks a free port. */
export async function startMcpServer(config: ServerConfig, deps: ServerDeps = {}): Promise<RunningServer> {
  const now = deps.now ?? Date.now;
  const logger = deps.logger ?? jsonLineLogger(process.stderr, now);
  const shutdown = new AbortController();
  const onerror = (error: Error): void => logger.log('warn', 'mcp error', { error: error.message });

  // Metrics first: a port already in use stops the server before it takes calls it could not count.
  const endpoint = config.metricsPort !== undefined ? await (await import('./observe/prometheus.js')).startMetricsEndpoint(config.host, config.metricsPort) : undefined;
  const metrics = endpoint?.metrics ?? noMetrics;
  const nws = createNwsClient({ ...config.nws, ...(deps.fetch && { fetch: deps.fetch }), onRequest: metrics.nwsRequest });
  const factory = createServerFactory({
    logger,
    metrics,
    nws,
    reverseStepMs: config.reverseStepMs,
    scopeChallenge: toolScopeChallenges(config.auth),
    shutdown: shutdown.signal,
  });
  const handler = createMcpHandler(factory, { maxRequestBodySize: MAX_BODY_BYTES, onerror });
  const sessions = config.legacySessions ? createLegacySessionRouter({ factory, fallback: handler.fetch, logger, now }) : undefined;
  const serveMcp = (request: Request, options?: McpHandlerRequestOptions) => (sessions ?? handler).fetch(request, options);

  const auth = config.auth && {
    config: config.auth,
    gate: createAuthGate(
      config.auth,
      createTokenVerifier(config.auth.verifier, createKeySource(config.auth.verifier.keys, { ...(deps.fetch && { fetch: deps.fetch }), now, onFetch: metrics.jwksFetch }), now),
    ),
  };
  const allowed = [...LOOPBACK_NAMES, ...config.allowedHosts, ...(config.publicUrl ? [config.publicUrl.hostname] : [])];
  // Host checks need a list of names this server is reached by: loopback names on a loopback bind, else the configured ones.
  const checkHost = isLoopbackHost(config.host) || config.allowedHosts.length > 0 || config.publicUrl !== undefined;

  const lifecycle: Lifecycle = { state: 'serving' };
  const inFlight = trackInFlight();
  const server = createServer(
    {
      // Room for large Entra tokens, so an oversized one gets a proper 401 rather than Node's bare 431.
      maxHeaderSize: 32 * 1024,
      // Receiving a request (not streaming its answer) is bounded; Node checks the deadlines every checking interval.
      requestTimeout: config.requestTimeoutMs,
      headersTimeout: Math.min(HEADERS_TIMEOUT_MS, config.requestTimeoutMs),
      // Longer than the idle timeout of common load balancers (60 s): they close idle connections, never the server
      // just as they reuse one (which a client sees as "other side closed").
      keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
      connectionsCheckingInterval: Math.min(1000, config.requestTimeoutMs),
    },
    createRequestListener({
      ...(auth && { auth }),
      ...(config.publicUrl && { publicUrl: config.publicUrl }),
      ...(checkHost && { validateHost: hostHeaderValidation(allowed) }),
      validateOrigin: originValidation(allowed),
      mcp: serveMcp,
      unauthenticatedBodies: byteBudget(UNAUTHENTICATED_BODY_BYTES),
      ...(config.rateLimitPerMinute !== undefined && { rateLimit: createRateLimiter(config.rateLimitPerMinute, now) }),
      lifecycle,
      metrics,
      onListenStream: (res) => inFlight.ignore(res),
      onerror,
      logger,
    }),
  );
  // Past this many open connections Node closes new ones at once: sockets and their buffers stay bounded.
  server.maxConnections = config.maxConnections;
  server.on('request', (_req, res: ServerResponse) => inFlight.track(res));
  try {
    await listen(server, config.port, config.host, { port: 'MCP_PORT', host: 'MCP_HOST' });
  } catch (error) {
    await endpoint?.close();
    throw error;
  }

  const { port } = server.address() as AddressInfo;
  const origin = `http://${connectableHost(config.host)}:${port}`;
  const url = `${origin}${MCP_PATH}`;
  logger.log('info', 'server started', {
    url,
    auth: config.auth ? { issuers: config.auth.verifier.issuers, audiences: config.auth.verifier.audiences } : 'off',
    legacySessions: config.legacySessions,
    ...(endpoint && { metrics: endpoint.url }),
    ...(config.rateLimitPerMinute !== undefined && { rateLimitPerMinute: config.rateLimitPerMinute }),
  });
  if (!checkHost) logger.log('warn', 'host check off', { hint: 'set MCP_ALLOWED_HOSTS to the names clients use to reach this server' });

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      lifecycle.state = 'closed';
      shutdown.abort();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Cancelled calls answer within moments (their result says why): let them, before the SDK's streams are closed under them.
      await inFlight.drained(1000);
      await Promise.all([handler.close(), sessions?.close()]);
      // Then no socket (keep-alive or not) is worth waiting for.
      await inFlight.drained(1000);
      server.closeAllConnections();
      await Promise.all([closed, endpoint?.close()]);
      logger.log('info', 'server stopped', { url });
    })());

  let draining: Promise<void> | undefined;
  const drain = (): Promise<void> =>
    (draining ??= (async () => {
      if (lifecycle.state !== 'serving') return close();
      lifecycle.state = 'draining';
      logger.log('info', 'draining', { readinessFailsForMs: config.drain.delayMs, callsMayRunForMs: config.drain.timeoutMs, inFlight: inFlight.count() });
      await delay(config.drain.delayMs);
      // No new connections; idle keep-alive ones close now, busy ones after their answer (Connection: close).
      lifecycle.state = 'closing';
      server.close();
      server.closeIdleConnections();
      const finished = await inFlight.drained(config.drain.timeoutMs);
      if (!finished) logger.log('warn', 'drain timed out', { stillRunning: inFlight.count() });
      await close();
    })());

  return { url, origin, ...(endpoint && { metricsUrl: endpoint.url }), drain, close };
}

/**
 * Counts requests whose responses are still open, so shutdown can wait for exactly those. Notification
 * streams (`ignore`) do not count: they never end by themselves, and closing them loses nothing.
 */
function trackInFlight(): { track(res: ServerResponse): void; ignore(res: ServerResponse): void; count(): number; drained(timeoutMs: number): Promise<boolean> } {
  const open = new Set<ServerResponse>();
  const waiters = new Set<() => void>();
  const settle = (res: ServerResponse): void => {
    if (open.delete(res) && open.size === 0) waiters.forEach((w) => w());
  };
  return {
    track(res) {
      open.add(res);
      res.once('close', () => settle(res));
    },
    ignore: settle,
    count: () => open.size,
    /** True when every request finished in time. */
    drained: (timeoutMs) =>
      new Promise((resolve) => {
        if (open.size === 0) return resolve(true);
        const done = (): void => {
          clearTimeout(timer);
          waiters.delete(done);
          resolve(open.size === 0);
        };
        const timer = setTimeout(done, timeoutMs);
        waiters.add(done);
      }),
  };
}
