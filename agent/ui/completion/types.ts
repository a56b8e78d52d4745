/**
 * Completion as data: providers look at the input line and offer items for the word at the
 * cursor; useCompletion asks them, shows the list and puts the chosen item into the line.
 *
 * To add completions (slash commands of your own, MCP prompts, @-mentions of resources), write a
 * CompletionProvider and add it to the list App passes to useCompletion (completion/index.ts).
 */

import type { AgentEngine, SessionStatus } from '../../core/engine-types.js';

/** What a slash command's argument completion may read. */
export interface ArgumentContext {
  engine: AgentEngine;
  status: SessionStatus;
}

export interface CompletionItem {
  /** The text that replaces the range being completed (a trailing space when more may follow). */
  value: string;
  /** How the list shows it (default: the value). */
  label?: string;
  /** One short line beside it; may be outside text (the list makes it terminal-safe). */
  description?: string;
}

export interface CompletionRequest {
  /** The whole input. */
  text: string;
  /** Cursor position in code points. */
  cursor: number;
  /** The input before the cursor. */
  before: string;
}

export interface Completions {
  /** The code-point range of the input an item replaces. */
  from: number;
  to: number;
  items: readonly CompletionItem[];
}

export interface CompletionProvider {
  /** Names the provider in tests and errors. */
  id: string;
  /**
   * The completions at the cursor, or undefined when this provider has nothing to do with the
   * text there (the next provider is asked). May be async (a list from a server): an answer to
   * a line that has changed since is dropped, and `signal` aborts then.
   */
  complete(request: CompletionRequest, signal: AbortSignal): Completions | undefined | Promise<Completions | undefined>;
}
