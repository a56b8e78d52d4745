import type { Readable, Writable } from 'node:stream';
import type { Env } from './load.js';

/**
 * The process's I/O and place as a value: what CLI commands and the chat UI get instead of
 * reaching for process globals (streams, environment, working and home directory), so tests can
 * run them in-process on streams and directories of their own.
 * Not responsible for reading the environment (config/load.ts) or for signals (agent/cli.ts).
 */
export interface ProcessIo {
  /** The process environment with the `.env` files this command reads (config/load.ts; the agent's: agent/core/host/agent-env.ts). */
  env: Env;
  stdin: Readable & { isTTY?: boolean };
  stdout: Writable & { isTTY?: boolean; columns?: number; rows?: number };
  stderr: Writable & { isTTY?: boolean };
  /** Aborted when the user asks the process to stop (SIGINT/SIGTERM, SIGHUP in the chat). */
  shutdownSignal: AbortSignal;
  /** The working directory (where `.mcp.json` and `.env` are looked for, relative paths start). */
  cwd: string;
  /** The user's home directory (~/.config/warden lives under it). */
  home: string;
}
