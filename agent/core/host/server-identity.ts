import { createHash } from 'node:crypto';
import type { ServerConfig } from './server-config.js';

/**
 * A server's identity beyond its name: where it is configured and where it points. Rules the user
 * saved from a question are bound to it (agent/core/permissions), so a server that only takes the
 * name of another — a project file's `files` beside the user's — inherits none of its rules.
 *
 * Where: the user's file, the shortcut (MCP_SERVER_URL, --server, the demo), or the path of the
 * project or --mcp-config file. What it points to: an HTTP server's origin and path (no userinfo,
 * query or fragment: they may carry keys); a stdio server's command, arguments and directory. Kept
 * as a short SHA-256 so nothing of a URL or an argument (expanded keys among them) is written down.
 * Not responsible for deciding anything with it (permissions/policy.ts).
 */

function target(server: ServerConfig): unknown {
  if (server.type === 'stdio') return [server.command, ...server.args, server.cwd ?? ''];
  try {
    const url = new URL(server.url);
    return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
  } catch {
    return server.url;
  }
}

function place(server: ServerConfig): string {
  const source = server.source;
  switch (source.kind) {
    case 'user':
      return 'user';
    case 'shortcut':
      return 'shortcut';
    case 'project':
    case 'flag':
      return `${source.kind}:${source.file}`;
  }
}

export function serverIdentity(server: ServerConfig): string {
  // The demo's server moves to a new port every run; it is the same demo.
  const points = server.source.kind === 'shortcut' && server.source.via === 'demo' ? 'demo' : target(server);
  return createHash('sha256')
    .update(JSON.stringify([place(server), server.type, points]))
    .digest('hex')
    .slice(0, 16);
}

/** Whether the user configured this server themselves (their file, a flag, their environment, the demo), not a project file. */
export function isUsersOwnServer(server: ServerConfig): boolean {
  return server.source.kind !== 'project';
}
