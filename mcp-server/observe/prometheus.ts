/**
 * The Prometheus side of ServerMetrics: prom-client instruments in a registry of their own, and
 * `/metrics` served on a port of its own (METRICS_PORT / --metrics-port; never the MCP port, so the
 * exposition is not reachable through whatever fronts /mcp). Loaded only when that port is set.
 * Not responsible for choosing labels (metrics.ts folds caller text into known values first).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { connectableHost, listen } from '../listen.js';
import type { ServerMetrics } from './metrics.js';

export interface MetricsEndpoint {
  metrics: ServerMetrics;
  /** e.g. http://127.0.0.1:9464/metrics */
  url: string;
  close(): Promise<void>;
}

/** Seconds: a cached call answers in well under a millisecond; reverse takes ~5 s by default; NWS up to its timeout. */
const SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export function prometheusMetrics(registry: Registry): ServerMetrics {
  const requests = new Counter({
    name: 'warden_http_requests_total',
    help: 'HTTP requests to /mcp by JSON-RPC method, tool and status',
    labelNames: ['method', 'tool', 'status'],
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'warden_http_request_duration_seconds',
    help: 'Time from a request to the end of its answer (a call with progress streams until its result)',
    labelNames: ['method', 'tool'],
    buckets: SECONDS,
    registers: [registry],
  });
  const refusals = new Counter({ name: 'warden_auth_refusals_total', help: 'Requests the bearer gate refused, by reason', labelNames: ['reason'], registers: [registry] });
  const streams = new Gauge({ name: 'warden_sse_streams_active', help: 'SSE responses (tool calls streaming progress) open now', registers: [registry] });
  const tools = new Histogram({
    name: 'warden_tool_duration_seconds',
    help: 'Tool call duration by tool and outcome',
    labelNames: ['tool', 'outcome'],
    buckets: SECONDS,
    registers: [registry],
  });
  const jwks = new Counter({ name: 'warden_jwks_fetches_total', help: 'Fetches of the signing keys (JWKS) by outcome', labelNames: ['outcome'], registers: [registry] });
  const nws = new Histogram({
    name: 'warden_nws_request_duration_seconds',
    help: 'NWS API requests by outcome (ok, or what failed)',
    labelNames: ['outcome'],
    buckets: SECONDS,
    registers: [registry],
  });
  const limited = new Counter({ name: 'warden_rate_limited_total', help: 'Tool calls refused by the per-principal rate limit (429)', registers: [registry] });
  // Present from the start (at 0), so rate() and alerts work before the first event.
  for (const outcome of ['ok', 'error']) jwks.labels(outcome).inc(0);
  return {
    request(method, tool, status, seconds) {
      requests.labels(method, tool, String(status)).inc();
      latency.labels(method, tool).observe(seconds);
    },
    authRefused: (reason) => refusals.labels(reason).inc(),
    stream: (delta) => streams.inc(delta),
    tool: (tool, outcome, seconds) => tools.labels(tool, outcome).observe(seconds),
    jwksFetch: (outcome) => jwks.labels(outcome).inc(),
    nwsRequest: (outcome, seconds) => nws.labels(outcome).observe(seconds),
    rateLimited: () => limited.inc(),
  };
}

/** Serves `/metrics` (Prometheus text format) on host:port; port 0 picks a free one. */
export async function startMetricsEndpoint(host: string, port: number): Promise<MetricsEndpoint> {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  // Gauges that prom-client names with a counter's suffix (promtool's lint refuses them); their unsuffixed twins stay.
  for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) registry.removeSingleMetric(name);
  const metrics = prometheusMetrics(registry);
  const server = createServer((req, res) => {
    if (req.url !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('metrics are at /metrics\n');
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'Content-Type': registry.contentType }).end(req.method === 'HEAD' ? undefined : text),
      () => res.writeHead(500).end(),
    );
  });
  await listen(server, port, host, { port: 'METRICS_PORT', host: 'MCP_HOST' });
  const { port: bound } = server.address() as AddressInfo;
  return {
    metrics,
    url: `http://${connectableHost(host)}:${bound}/metrics`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
