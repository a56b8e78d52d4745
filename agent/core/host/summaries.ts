import type { AuthState, ConnectionState, ServerConnection, ServerStatus } from '../engine-types.js';

/**
 * The servers at a glance, as pure functions of their statuses: the one sign-in to show when one
 * line must do, the one connection state, and why a server is unavailable (for the model's note,
 * -p's lines and /mcp).
 * Not responsible for any server's state (hosted-server.ts keeps it).
 */

/** The sign-in to show: one signing in now, else one that needs approval or sign-in, else the first that signs in at all. */
export function authSummary(servers: readonly ServerStatus[]): AuthState {
  const signing = servers.filter((s) => s.auth.state !== 'disabled');
  const server =
    signing.find((s) => s.auth.state === 'signing-in' || s.auth.state === 'approval-needed') ?? signing.find((s) => s.connection.state === 'sign-in-needed') ?? signing[0];
  return server?.auth ?? { state: 'disabled', why: whyNoSignIn(servers) };
}

/** Why none of the servers signs in: --no-auth, else one waits for its server to ask (401), else none uses a sign-in. */
function whyNoSignIn(servers: readonly ServerStatus[]): 'no-auth' | 'none' | 'not-asked' {
  const whys = servers.map((s) => (s.auth.state === 'disabled' ? s.auth.why : undefined));
  if (whys.includes('no-auth')) return 'no-auth';
  return whys.includes('not-asked') ? 'not-asked' : 'none';
}

/** All servers as one ConnectionState: one server as it is; several connected while any is (`toolCount`: all tools offered). */
export function connectionSummary(servers: readonly ServerStatus[], toolCount: number): ConnectionState {
  const [only] = servers;
  if (only && servers.length === 1) {
    const c = only.connection;
    if (c.state === 'connected')
      return {
        state: 'connected',
        toolCount: c.toolCount,
        ...(only.serverName && { serverName: only.serverName }),
        ...(c.protocolVersion && { protocolVersion: c.protocolVersion }),
      };
    if (c.state === 'failed') return { state: 'unreachable', error: c.error };
    if (c.state === 'sign-in-needed') return c;
    return { state: 'connecting' };
  }
  const states = servers.map((s) => s.connection.state);
  if (states.includes('connected')) return { state: 'connected', toolCount };
  if (states.includes('connecting')) return { state: 'connecting' };
  const signIn = servers.find((s) => s.connection.state === 'sign-in-needed')?.connection;
  if (signIn?.state === 'sign-in-needed') return signIn;
  return { state: 'unreachable', error: servers.length === 0 ? 'no MCP server is configured' : 'no MCP server is reachable' };
}

/**
 * Why a server is not connected, in a few words. While it reconnects after a failure, that failure
 * is still the reason: "still connecting" is only true of a server that has not answered either way.
 */
export function describeConnection(connection: ServerConnection, lastError?: string): string {
  switch (connection.state) {
    case 'connecting':
      return connection.attempt > 1 && lastError ? lastError : 'still connecting';
    case 'sign-in-needed':
      return 'needs sign-in';
    case 'failed':
      return connection.error;
    case 'connected':
      return 'connected';
  }
}

/** The note for the model: which servers are unavailable and why (none when all are up). */
export function unavailableNote(servers: readonly ServerStatus[]): string | undefined {
  const down = servers.filter((s) => s.connection.state !== 'connected');
  if (down.length === 0) return undefined;
  return `These MCP servers are unavailable right now, so their tools are missing: ${down.map((s) => `${s.name} (${describeConnection(s.connection, s.lastError)})`).join('; ')}.`;
}
