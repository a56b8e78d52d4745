import type { AuthProvider, FetchLike, Transport } from '@modelcontextprotocol/client';
import { loadMcpSdk } from '../mcp/sdk.js';
import type { ServerConfig } from './server-config.js';

/**
 * A stand-in transport factory for the server host until the configuration work's transports
 * (agent/core/mcp/transports.ts) land: Streamable HTTP and legacy SSE with headers, stdio with
 * the SDK's safe default environment plus the configured one and stderr discarded.
 * Not responsible for: child process groups, stderr logs, crash reports (the real transports are).
 */
export interface TransportDeps {
  authProvider?: AuthProvider;
  fetch?: FetchLike;
}

export type TransportFactory = (config: ServerConfig, deps: TransportDeps) => Promise<Transport>;

export const interimTransport: TransportFactory = async (config, deps) => {
  if (config.type === 'stdio') {
    const { StdioClientTransport, getDefaultEnvironment } = await import('@modelcontextprotocol/client/stdio');
    return new StdioClientTransport({
      command: config.command,
      args: config.args,
      env: { ...getDefaultEnvironment(), ...config.env },
      ...(config.cwd && { cwd: config.cwd }),
      stderr: 'ignore',
    });
  }
  const { SSEClientTransport, StreamableHTTPClientTransport } = await loadMcpSdk();
  // fetch refuses URLs with credentials: they travel as Basic auth instead (and never in a message).
  const url = new URL(config.url);
  const headers: Record<string, string> = { ...config.headers };
  if (url.username || url.password) {
    headers.Authorization ??= `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}`;
    url.username = '';
    url.password = '';
  }
  const options = {
    ...(deps.authProvider && { authProvider: deps.authProvider }),
    ...(deps.fetch && { fetch: deps.fetch }),
    requestInit: { headers },
  };
  return config.type === 'sse' ? new SSEClientTransport(url, options) : new StreamableHTTPClientTransport(url, options);
};
