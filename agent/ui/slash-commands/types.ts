import type { AgentEngine, SessionStatus } from '../../core/engine-types.js';
import type { ArgumentContext, CompletionItem } from '../completion/types.js';
import type { TranscriptEntry } from '../transcript.js';

/** What a slash command may touch: the engine, the transcript and a few UI actions. */
export interface SlashCommandContext {
  engine: AgentEngine;
  status: SessionStatus;
  now: number;
  add(...entries: TranscriptEntry[]): void;
  /** Every command, for /help. */
  commands: readonly SlashCommand[];
  /** Device-code sign-in to `server` (by name), or to the one that needs it. */
  signIn(server?: string): void;
  /** Empties the transcript and the screen. */
  clearScreen(): void;
  /** Goes on with the saved conversation `id`; without one, opens the picker. */
  resumeConversation(id?: string): void;
  exit(): void;
}

export interface SlashCommand {
  name: string;
  aliases?: readonly string[];
  description: string;
  run(ctx: SlashCommandContext, args: string): void | Promise<void>;
  /**
   * Candidates for the next argument after `given` (the words already typed), for Tab; the list
   * keeps those that start with what is typed. Absent: the command's arguments are not completed.
   */
  complete?(given: readonly string[], ctx: ArgumentContext): readonly CompletionItem[] | Promise<readonly CompletionItem[]>;
}
