import type { Readable, Writable } from 'node:stream';
import type { Env } from '../../config/load.js';

/** What every subcommand gets instead of reaching for process globals (so tests can run commands in-process). */
export interface CommandContext {
  /** process env merged over `.env` (see config/load.ts). */
  env: Env;
  stdin: Readable & { isTTY?: boolean };
  stdout: Writable & { isTTY?: boolean; columns?: number; rows?: number };
  stderr: Writable & { isTTY?: boolean };
  /** Resolves when the user asks the process to stop (SIGINT/SIGTERM outside the TUI). */
  shutdownSignal: AbortSignal;
}

/** A subcommand: parses its own flags, returns the process exit code. */
export type Command = (args: string[], ctx: CommandContext) => Promise<number>;
