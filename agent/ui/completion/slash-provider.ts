import { findCommand } from '../hooks/useSlashCommands.js';
import type { SlashCommand } from '../slash-commands/types.js';
import type { ArgumentContext, CompletionProvider } from './types.js';
import { completeWord, wordAt } from './words.js';

/**
 * Completes slash commands: their names while the first word is typed (the servers' MCP prompts,
 * `/server:prompt`, after Warden's own), then their arguments through each command's own
 * `complete` (server names, tool names, subcommands).
 *
 * Not responsible for running commands (useSlashCommands) nor for the list's keys (useCompletion).
 */

export function slashCommandProvider(commands: readonly SlashCommand[], context: () => ArgumentContext): CompletionProvider {
  return {
    id: 'slash-commands',
    async complete(request) {
      if (!request.before.startsWith('/')) return undefined;
      const head = /^\/(\S*)$/.exec(request.before);
      if (head) {
        // Aliases find a command but are not offered: one entry per command.
        const items = commands.map((c) => ({ value: `/${c.name} `, label: `/${c.name}`, description: c.description }));
        const prompts = await context()
          .engine.listPrompts()
          .catch(() => []);
        const promptItems = prompts.map((p) => ({ value: `/${p.server}:${p.name} `, label: `/${p.server}:${p.name}`, description: p.title ?? p.description ?? 'MCP prompt' }));
        return completeWord(request, [...items, ...promptItems]);
      }
      const parts = /^\/(\S+)\s+(.*)$/s.exec(request.before);
      const command = parts ? findCommand(commands, parts[1] ?? '') : undefined;
      if (!command?.complete) return undefined;
      const { word } = wordAt(request);
      const typed = (parts?.[2] ?? '').split(/\s+/).filter(Boolean);
      // The words before the one at the cursor are the arguments already given.
      const given = word === '' ? typed : typed.slice(0, -1);
      return completeWord(request, await command.complete(given, context()));
    },
  };
}
