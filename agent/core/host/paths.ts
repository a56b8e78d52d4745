/**
 * Where Warden keeps its MCP server settings and state: `~/.config/warden/` (the same directory
 * as the token cache). Every function takes the home directory so tests point it elsewhere.
 */
import { join } from 'node:path';

export function wardenDir(home: string): string {
  return join(home, '.config', 'warden');
}

/** The user's own servers (`warden mcp add --scope user`). */
export function userServerFile(home: string): string {
  return join(wardenDir(home), 'mcp.json');
}

/** Your own settings for the agent, as environment variables (dotenv format): always read. */
export function userEnvFile(home: string): string {
  return join(wardenDir(home), '.env');
}

/** A project's `.env`: read by the agent only once the user approved it. */
export function projectEnvFile(cwd: string): string {
  return join(cwd, '.env');
}

/** The project's servers (`warden mcp add --scope project`), as Claude Code names it. */
export function projectServerFile(cwd: string): string {
  return join(cwd, '.mcp.json');
}

/** Approved project files (`.mcp.json`, `.env`) with the SHA-256 they were approved at. */
export function trustStoreFile(home: string): string {
  return join(wardenDir(home), 'trusted-mcp-files.json');
}

/** stdio servers' stderr, one file per server. */
export function serverLogDir(home: string): string {
  return join(wardenDir(home), 'logs');
}

/** Every tool-call decision, one JSON line each (agent/core/permissions/audit-log.ts). */
export function auditLogFile(home: string): string {
  return join(wardenDir(home), 'audit.log');
}

/** Saved conversations, one JSON-lines file each (agent/core/conversations). */
export function conversationDir(home: string): string {
  return join(wardenDir(home), 'conversations');
}

/** What Warden learned about servers' protocol revisions (agent/core/host/protocol-memory.ts). */
export function protocolStoreFile(home: string): string {
  return join(wardenDir(home), 'protocol-versions.json');
}
