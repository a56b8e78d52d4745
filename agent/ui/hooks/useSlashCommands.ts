import { useCallback } from 'react';
import { errorMessage } from '../../../config/error-text.js';
import type { SlashCommand, SlashCommandContext } from '../slash-commands/types.js';

/** Edit distance, for "did you mean" on a mistyped command. */
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min((row[j] ?? 0) + 1, (next[j - 1] ?? 0) + 1, (row[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    row = next;
  }
  return row[b.length] ?? 0;
}

export function findCommand(commands: readonly SlashCommand[], name: string): SlashCommand | undefined {
  const wanted = name.toLowerCase();
  return commands.find((c) => c.name === wanted || c.aliases?.includes(wanted));
}

export function suggestCommand(commands: readonly SlashCommand[], name: string): SlashCommand | undefined {
  const wanted = name.toLowerCase();
  const byPrefix = commands.filter((c) => c.name.startsWith(wanted));
  if (wanted.length > 0 && byPrefix.length === 1) return byPrefix[0];
  const [best] = commands
    .map((command) => ({ command, d: distance(wanted, command.name) }))
    .filter(({ d }) => d <= 2)
    .sort((a, b) => a.d - b.d);
  return best?.command;
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
