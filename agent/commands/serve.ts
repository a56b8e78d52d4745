import { once } from 'node:events';
import { parseFlags } from '../../config/flags.js';
import { startTelemetry } from '../../config/telemetry.js';
import { isLoopbackHost } from '../../config/http-url.js';
import { loadServerConfig } from '../../mcp-server/config.js';
import { jsonLineLogger } from '../../mcp-server/log.js';
import { startMcpServer } from '../../mcp-server/server.js';
import type { Command } from './context.js';

const USAGE = `Usage: warden serve [--port 8000] [--host 127.0.0.1] [--metrics-port N] [--no-auth [--allow-remote-no-auth]]

Serves the MCP tools (reverse, get_alerts, get_forecast) over Streamable HTTP at /mcp.
Tokens are checked against ENTRA_TENANT_ID + ENTRA_API_AUDIENCE (or AUTH_ISSUER,
AUTH_JWKS_URI, AUTH_AUDIENCE); see .env.example for every variable.

  --port N                  port to listen on (MCP_PORT, default 8000; 0 = any free port)
  --host H                  interface to bind (MCP_HOST, default 127.0.0.1)
  --metrics-port N          Prometheus /metrics on this port of its own (METRICS_PORT; default off)
  --no-auth                 accept calls without a token (loopback only)
  --allow-remote-no-auth    with --no-auth: allow a non-loopback --host

SIGTERM drains (health check fails, running calls finish; MCP_DRAIN_DELAY_MS, MCP_DRAIN_TIMEOUT_MS);
SIGINT (Ctrl-C) stops at once. Traces go to OpenTelemetry when OTEL_EXPORTER_OTLP_ENDPOINT is set.`;

export const serve: Command = async (args, ctx) => {
  const { values } = parseFlags(
    args,
    {
      port: { type: 'string' },
      host: { type: 'string' },
      'metrics-port': { type: 'string' },
      'no-auth': { type: 'boolean' },
      'allow-remote-no-auth': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    false,
    'warden serve',
  );
  if (values.help) {
    ctx.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const config = loadServerConfig(ctx.env, {
    ...(values.port !== undefined && { port: values.port }),
    ...(values.host !== undefined && { host: values.host }),
    ...(values['metrics-port'] !== undefined && { metricsPort: values['metrics-port'] }),
    noAuth: values['no-auth'] === true,
    allowRemoteNoAuth: values['allow-remote-no-auth'] === true,
  });
  const logger = jsonLineLogger(ctx.stderr);
  const telemetry = await startTelemetry({ serviceName: 'warden-server', report: (message) => logger.log('warn', 'telemetry', { error: message }) });
  const server = await startMcpServer(config, { logger });
  if (!config.auth) {
    const who = isLoopbackHost(config.host) ? 'any program on this machine' : `anyone who can reach ${config.host}:${new URL(server.url).port}`;
    ctx.stderr.write(`warden: WARNING: authentication is OFF (--no-auth): ${who} can call every tool without a token.\n`);
  }
  ctx.stdout.write(`warden: MCP server listening on ${server.url}\n`);
  if (server.metricsUrl) ctx.stdout.write(`warden: metrics on ${server.metricsUrl}\n`);
  if (!ctx.shutdownSignal.aborted) await once(ctx.shutdownSignal, 'abort');
  // SIGTERM (an orchestrator, docker stop) drains; Ctrl-C is someone at a terminal who wants it stopped now.
  await (ctx.shutdownSignal.reason === 'SIGTERM' ? server.drain() : server.close());
  await telemetry?.shutdown();
  return 0;
};
