import { NAME_CHARS, safeLine } from '../../config/terminal-text.js';
import type { ServerConnection } from '../core/engine-types.js';

/** Short, stable text for durations, arguments and results (pure, so panes stay pure). */

/** `server › tool` for a call or tool of one of several servers, the tool alone otherwise; names come from servers. */
export function toolLabel(item: { tool: string; server?: string | undefined }): string {
  const tool = safeLine(item.tool, NAME_CHARS);
  return item.server !== undefined ? `${safeLine(item.server, NAME_CHARS)} › ${tool}` : tool;
}

/** One server's state in a few words: `connected`, `reconnecting in 4s`, `needs sign-in`, `failed`. */
export function serverStateText(connection: ServerConnection, now: number): string {
  switch (connection.state) {
    case 'connecting':
      return connection.attempt > 1 ? 'reconnecting…' : 'connecting…';
    case 'connected':
      return 'connected';
    case 'sign-in-needed':
      return 'needs sign-in';
    case 'failed':
      return connection.retryAt !== undefined ? `failed · retry in ${formatDuration(Math.max(0, connection.retryAt - now))}` : 'failed · not retried (/mcp reconnect tries again)';
  }
}

/** 0.4s, 2.1s, 12s, 1m05s, 1h02m */
export function formatDuration(ms: number): string {
  const safe = Math.max(0, ms);
  if (safe < 10_000) return `${(Math.floor(safe / 100) / 10).toFixed(1)}s`;
  const seconds = Math.floor(safe / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

/** 14:05 for a countdown. */
export function formatCountdown(ms: number): string {
  const seconds = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

/** "expires in 52m", "expires in 30s", "expired" — minute precision is enough for a status bar. */
export function formatExpiry(expiresAt: number, now: number): string {
  const left = expiresAt - now;
  if (left <= 0) return 'token expired';
  if (left < 60_000) return `token expires in ${Math.ceil(left / 1000)}s`;
  const minutes = Math.floor(left / 60_000);
  if (minutes < 120) return `token expires in ${minutes}m`;
  return `token expires in ${Math.floor(minutes / 60)}h`;
}

/** Longest string argument worth turning into a summary: the summary is one line anyway. */
const ARG_CHARS = 1000;

/** `"alpha"` for a lone string argument, otherwise `key=value …`; always one terminal-safe line (the model's args may echo hostile text). */
export function summariseArgs(args: Readonly<Record<string, unknown>>, max = 48): string {
  const entries = Object.entries(args);
  if (entries.length === 0) return '';
  const show = (value: unknown): string => (typeof value === 'string' ? value.slice(0, ARG_CHARS) : (JSON.stringify(value) ?? String(value)).slice(0, ARG_CHARS));
  const [only] = entries;
  if (entries.length === 1 && only && typeof only[1] === 'string') return safeLine(JSON.stringify(show(only[1])), max);
  return safeLine(entries.map(([key, value]) => `${key}=${show(value)}`).join(' '), max);
}

/** "just now", "5 min ago", "3 h ago", "yesterday", "4 days ago", then the date: when a conversation was last used. */
export function formatAgo(at: number, now: number): string {
  const minutes = Math.floor(Math.max(0, now - at) / 60_000);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  const days = Math.floor(hours / 24);
  if (days === 1) return 'yesterday';
  if (days < 14) return `${days} days ago`;
  return new Date(at).toISOString().slice(0, 10);
}

/** 812 B, 14 KB, 3.2 MB */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** 812, 45k, 1.2M: token counts at a glance. */
export function formatTokens(tokens: number): string {
  if (tokens < 1000) return String(Math.round(tokens));
  if (tokens < 1_000_000) return `${tokens < 10_000 ? (tokens / 1000).toFixed(1).replace(/\.0$/, '') : Math.round(tokens / 1000)}k`;
  return `${(tokens / 1_000_000).toFixed(1).replace(/\.0$/, '')}M`;
}

/** $1.23, $0.12, $0.004: a cost in US dollars, with enough digits to tell small ones apart. */
export function formatCost(usd: number): string {
  if (usd === 0) return '$0.00';
  if (usd >= 0.1) return `$${usd.toFixed(2)}`;
  if (usd >= 0.001) return `$${usd.toFixed(3)}`;
  return '<$0.001';
}
