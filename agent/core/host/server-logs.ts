import type { LoggingLevel } from '@modelcontextprotocol/client';
import { safeLine } from '../../../config/terminal-text.js';
import type { ServerLogLine } from '../engine-types.js';
import type { ServerLogMessage } from '../mcp/client-features.js';

/**
 * One server's log messages (`notifications/message`), kept for `/mcp logs NAME` and the
 * server's `/mcp` entry.
 *
 * Responsible for: making each message one terminal-safe, capped line; keeping a bounded number;
 * deciding which are shown by default (at or above the threshold, `warning` unless set).
 * Not responsible for: asking the server for a level (the session does), nor rendering.
 */

/** RFC 5424 order, as MCP uses it. */
export const LOGGING_LEVELS: readonly LoggingLevel[] = ['debug', 'info', 'notice', 'warning', 'error', 'critical', 'alert', 'emergency'];
const KEPT = 200;
const SHOWN = 5;
const LINE_CHARS = 300;

export function atLeast(level: LoggingLevel, threshold: LoggingLevel): boolean {
  return LOGGING_LEVELS.indexOf(level) >= LOGGING_LEVELS.indexOf(threshold);
}

export function isLoggingLevel(value: string): value is LoggingLevel {
  return (LOGGING_LEVELS as readonly string[]).includes(value);
}

export class LogBook {
  threshold: LoggingLevel = 'warning';
  private lines: ServerLogLine[] = [];
  private recent: ServerLogLine[] = [];

  constructor(private readonly now: () => number = Date.now) {}

  /** Keeps the message; returns its line when it is at or above the threshold (worth showing). */
  add(message: ServerLogMessage): ServerLogLine | undefined {
    const raw = typeof message.data === 'string' ? message.data : JSON.stringify(message.data);
    const line: ServerLogLine = {
      at: this.now(),
      level: message.level,
      ...(message.logger !== undefined && { logger: safeLine(message.logger, 64) }),
      text: safeLine(raw ?? '', LINE_CHARS),
    };
    this.lines.push(line);
    if (this.lines.length > KEPT) this.lines = this.lines.slice(-KEPT);
    // A new array only when what the status shows changes, so renders can compare by reference.
    if (!atLeast(line.level, this.threshold)) return undefined;
    this.recent = [...this.recent, line].slice(-SHOWN);
    return line;
  }

  all(): ServerLogLine[] {
    return [...this.lines];
  }

  /** The last few messages at or above the threshold. */
  shown(): ServerLogLine[] {
    return this.recent;
  }
}
