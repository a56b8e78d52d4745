import type { SlashCommand } from '../slash-commands/types.js';
import { mentionProvider, promptArgumentProvider } from './input-providers.js';
import { slashCommandProvider } from './slash-provider.js';
import type { ArgumentContext, CompletionProvider } from './types.js';

/**
 * Every completion the input offers, in the order they are asked (the first with an answer wins).
 * Add a provider here to complete something new in the input.
 */
export function completionProviders(deps: { commands: readonly SlashCommand[]; context: () => ArgumentContext }): CompletionProvider[] {
  // A mention may be anywhere, a prompt command's arguments before the slash commands' own.
  return [mentionProvider(deps.context), promptArgumentProvider(deps.context), slashCommandProvider(deps.commands, deps.context)];
}
