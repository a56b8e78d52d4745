import type { Env } from '../../config/load.js';
import type { ProcessIo } from '../../config/process-io.js';
import type { ProjectEnvFile } from '../core/host/agent-env.js';

/** What every subcommand gets instead of reaching for process globals (so tests can run commands in-process). */
export interface CommandContext extends ProcessIo {
  /**
   * A project `.env` that sets Warden's variables and waits for the user's approval (not in `env`),
   * and the environment with it applied: the chat asks, `-p --trust-project` applies it, every other
   * command says in one line that it went on without it.
   */
  pendingProjectEnv?: { file: ProjectEnvFile; env(): Env };
}

/** A subcommand: parses its own flags, returns the process exit code. */
export type Command = (args: string[], ctx: CommandContext) => Promise<number>;
