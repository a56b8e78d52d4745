import type { Readable, Writable } from 'node:stream';
import type { Env } from './load.js';

/**
 * The process's I/O as a value: what CLI commands and the chat UI get instead of reaching for
 * process globals, so tests can run them in-process on streams of their own.
 * Not responsible for reading the environment (config/load.ts) or for signals (agent/cli.ts).
 */
export interface ProcessIo {
  /** process env merged over `.env` (see config/load.ts). */
  env: Env;
  stdin: Readable & { isTTY?: boolean };
  stdout: Writable & { isTTY?: boolean; columns?: number; rows?: number };
  stderr: Writable & { isTTY?: boolean };
  /** Aborted when the user asks the process to stop (SIGINT/SIGTERM, SIGHUP in the chat). */
  shutdownSignal: AbortSignal;
}
