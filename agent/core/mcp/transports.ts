/**
 * One SDK v2 client transport per configured server: Streamable HTTP (`http`), the legacy
 * HTTP+SSE transport (`sse`) and stdio (stdio/stdio-transport.ts: its launcher, environment,
 * bounded log and exit report). HTTP transports send the configured headers on every request.
 *
 * Not responsible for: reconnecting or back-off (the server host), sign-in (the AuthProvider
 * passed in), interpreting configuration (agent/core/host/).
 */
import type { AuthProvider, FetchLike, Transport } from '@modelcontextprotocol/client';
import { USER_AGENT } from '../../../config/version.js';
import type { HttpServerConfig, ServerConfig } from '../host/server-config.js';
import { tracingFetch } from '../telemetry/propagation.js';
import { honouringRetryAfter } from './retry-after.js';
import { loadMcpSdk } from './sdk.js';
import { createStdioTransport, type OpenedTransport, type StdioDeps } from './stdio/stdio-transport.js';

export type { OpenedTransport, StdioExit } from './stdio/stdio-transport.js';

export interface TransportDeps extends StdioDeps {
  /** http/sse: sign-in (absent: no Authorization header). */
  authProvider?: AuthProvider;
  fetch?: FetchLike;
}

export async function createTransport(config: ServerConfig, deps: TransportDeps): Promise<OpenedTransport> {
  return config.type === 'stdio' ? createStdioTransport(config, deps) : { transport: await createHttpTransport(config, deps) };
}

/**
 * fetch refuses a URL with userinfo (and would quote it in the error): `user:password@` becomes
 * HTTP Basic authentication, as curl does, unless the configuration sets Authorization itself.
 */
export function splitUserinfo(rawUrl: string, headers: Record<string, string>): { url: URL; headers: Record<string, string> } {
  const url = new URL(rawUrl);
  if (!url.username && !url.password) return { url, headers };
  const basic = Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64');
  url.username = '';
  url.password = '';
  const hasAuthorization = Object.keys(headers).some((k) => k.toLowerCase() === 'authorization');
  return { url, headers: hasAuthorization ? headers : { ...headers, Authorization: `Basic ${basic}` } };
}

/** Warden says who it is on every MCP request (server logs, rate limits), unless the configuration sets its own User-Agent. */
function withUserAgent(headers: Record<string, string>): Record<string, string> {
  return Object.keys(headers).some((k) => k.toLowerCase() === 'user-agent') ? headers : { 'User-Agent': USER_AGENT, ...headers };
}

async function createHttpTransport(config: HttpServerConfig, deps: TransportDeps): Promise<Transport> {
  const { SSEClientTransport, StreamableHTTPClientTransport } = await loadMcpSdk();
  const { url, headers } = splitUserinfo(config.url, withUserAgent(config.headers));
  // A 429's Retry-After is waited out once; with tracing on, every request carries the trace (traceparent).
  const fetch = honouringRetryAfter(tracingFetch(deps.fetch));
  const options = {
    ...(deps.authProvider && { authProvider: deps.authProvider }),
    fetch,
    // The SDK sets these on every request of both transports (the SSE stream's GET included).
    requestInit: { headers },
  };
  return config.type === 'sse' ? new SSEClientTransport(url, options) : new StreamableHTTPClientTransport(url, options);
}
