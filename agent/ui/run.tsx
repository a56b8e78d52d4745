import type { AgentEngine } from '../core/engine-types.js';
import type { CommandContext } from '../commands/context.js';

export interface TuiOptions {
  /** Set by `warden demo`: shown in the status bar and help. */
  demo?: boolean;
}

/**
 * Renders the chat TUI for an already-created engine until the user exits; returns the exit code.
 * Placeholder until the TUI issue lands.
 */
export async function runTui(_engine: AgentEngine, ctx: CommandContext, _options: TuiOptions = {}): Promise<number> {
  ctx.stderr.write('warden: the chat TUI is not built yet; use -p "prompt"\n');
  return 1;
}
