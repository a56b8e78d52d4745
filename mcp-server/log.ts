import type { Writable } from 'node:stream';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Structured log sink. Fields must never carry a token (the server only ever passes ids, names, codes and timings). */
export interface Logger {
  log(level: LogLevel, event: string, fields?: Record<string, unknown>): void;
}

/** One JSON object per line, e.g. {"time":"…","level":"info","event":"request",…}. */
export function jsonLineLogger(stream: Writable, now: () => number = Date.now): Logger {
  return {
    log(level, event, fields = {}) {
      stream.write(`${JSON.stringify({ time: new Date(now()).toISOString(), level, event, ...fields })}\n`);
    },
  };
}
