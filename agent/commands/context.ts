import type { ProcessIo } from '../../config/process-io.js';

/** What every subcommand gets instead of reaching for process globals (so tests can run commands in-process). */
export type CommandContext = ProcessIo;

/** A subcommand: parses its own flags, returns the process exit code. */
export type Command = (args: string[], ctx: CommandContext) => Promise<number>;
