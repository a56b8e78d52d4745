import type { SlashCommand } from '../slash-commands/types.js';
import { slashCommandProvider } from './slash-provider.js';
import type { ArgumentContext, CompletionProvider } from './types.js';

/**
 * Every completion the input offers, in the order they are asked (the first with an answer wins).
 * Add a provider here to complete something new in the input.
 */
export function completionProviders(deps: { commands: readonly SlashCommand[]; context: () => ArgumentContext }): CompletionProvider[] {
  return [slashCommandProvider(deps.commands, deps.context)];
}
