import { useCallback } from 'react';
import { closestName } from '../../../config/did-you-mean.js';
import { errorMessage } from '../../../config/error-text.js';
import type { SlashCommand, SlashCommandContext } from '../slash-commands/types.js';

export function findCommand(commands: readonly SlashCommand[], name: string): SlashCommand | undefined {
  const wanted = name.toLowerCase();
  return commands.find((c) => c.name === wanted || c.aliases?.includes(wanted));
}

export function suggestCommand(commands: readonly SlashCommand[], name: string): SlashCommand | undefined {
  const meant = closestName(
    name,
    commands.map((c) => c.name),
  );
  return commands.find((c) => c.name === meant);
}

/** Whether a line is a slash command rather than a prompt ("/tools", not "/etc/hosts is …"). */
export const isSlashCommand = (line: string): boolean => /^\/[\w?-]*(\s|$)/.test(line);

/** Runs `/name args` lines (echoed like prompts); unknown names get a suggestion and a pointer to /help. */
export function useSlashCommands(context: SlashCommandContext): (line: string) => void {
  return useCallback(
    (line: string) => {
      context.add({ kind: 'user', text: line });
      const [head = '', ...rest] = line.slice(1).split(/\s+/);
      const command = findCommand(context.commands, head);
      if (!command) {
        const suggestion = suggestCommand(context.commands, head);
        const hint = suggestion ? ` Did you mean /${suggestion.name}?` : '';
        context.add({ kind: 'error', text: `Unknown command /${head}.${hint} Type /help to see all commands.` });
        return;
      }
      Promise.resolve()
        .then(() => command.run(context, rest.join(' ')))
        .catch((error: unknown) => {
          context.add({ kind: 'error', text: `/${command.name} failed: ${errorMessage(error)}` });
        });
    },
    [context],
  );
}
