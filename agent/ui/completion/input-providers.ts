import type { InputCompletion } from '../../core/engine-types.js';
import { parsePromptCommand } from '../../core/user-input/prompt-command.js';
import type { ArgumentContext, CompletionItem, CompletionProvider } from './types.js';
import { wordAt } from './words.js';

/**
 * Completions the engine answers from the servers: an `@server:uri` mention anywhere in the line
 * (servers with resources, their resources and templates), and the arguments of an MCP prompt
 * command (`/server:prompt a b`, through the server's `completion/complete`).
 *
 * Not responsible for what is offered (agent/core/user-input) nor for the list's keys (useCompletion).
 */

/** A whole completion is followed by a space; a partial one (`@server:`, a template's start) is typed on. */
const asItem = (c: InputCompletion): CompletionItem => ({
  value: c.complete ? `${c.value} ` : c.value,
  ...(c.label !== undefined && { label: c.label }),
  ...(c.description !== undefined && { description: c.description }),
});

export function mentionProvider(context: () => ArgumentContext): CompletionProvider {
  return {
    id: 'mentions',
    async complete(request, signal) {
      const { from, to, word } = wordAt(request);
      if (!word.startsWith('@')) return undefined;
      const found = await context().engine.completeMention(word.slice(1), signal);
      return { from, to, items: found.map(asItem) };
    },
  };
}

export function promptArgumentProvider(context: () => ArgumentContext): CompletionProvider {
  return {
    id: 'prompt-arguments',
    async complete(request, signal) {
      // Arguments once a space follows the prompt's name (until then the slash commands complete the name),
      // split as the line will be when it runs (quotes keep a value's spaces).
      const command = /\s/.test(request.before.trimStart()) ? parsePromptCommand(request.before) : undefined;
      if (!command) return undefined;
      const { from, to, word } = wordAt(request);
      // The words before the one at the cursor are the arguments already given.
      const given = word === '' ? command.words : command.words.slice(0, -1);
      const found = await context().engine.completePromptArgument(command.server, command.prompt, given, word, signal);
      return { from, to, items: found.map(asItem) };
    },
  };
}
