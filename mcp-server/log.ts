import type { Writable } from 'node:stream';
import { activeTraceIds } from '../config/telemetry.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Structured log sink. Fields must never carry a token (the server only ever passes ids, names, codes and timings). */
export interface Logger {
  log(level: LogLevel, event: string, fields?: Record<string, unknown>): void;
}

/** Longest string, and most array entries, one field keeps: a caller's text must not blow up a log line. */
const FIELD_CHARS = 512;
const FIELD_ENTRIES = 20;

/**
 * One JSON object per line, e.g. {"time":"…","level":"info","event":"request",…}; every field bounded.
 * With tracing on, a line written while a span is active (a tool's, a request's) carries its `trace_id` and `span_id`.
 */
export function jsonLineLogger(stream: Writable, now: () => number = Date.now): Logger {
  return {
    log(level, event, fields = {}) {
      const ids = fields.trace_id === undefined ? activeTraceIds() : undefined;
      stream.write(`${JSON.stringify({ time: new Date(now()).toISOString(), level, event, ...ids, ...(bounded(fields, 0) as object) })}\n`);
    },
  };
}

function bounded(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return value.length > FIELD_CHARS ? `${value.slice(0, FIELD_CHARS)}… (${value.length} chars)` : value;
  if (typeof value !== 'object' || value === null) return value;
  if (depth >= 3) return '…';
  if (Array.isArray(value)) {
    const kept = value.slice(0, FIELD_ENTRIES).map((v) => bounded(v, depth + 1));
    return value.length > FIELD_ENTRIES ? [...kept, `… (+${value.length - FIELD_ENTRIES} more)`] : kept;
  }
  const entries = Object.entries(value).slice(0, FIELD_ENTRIES);
  return Object.fromEntries(entries.map(([k, v]) => [k, bounded(v, depth + 1)]));
}
