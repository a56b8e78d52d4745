import type { InputCompletion } from '../../core/engine-types.js';
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

const PROMPT_COMMAND = /^\/([A-Za-z0-9_-]+):(\S+)\s+(.*)$/s;

export function promptArgumentProvider(context: () => ArgumentContext): CompletionProvider {
  return {
    id: 'prompt-arguments',
    async complete(request, signal) {
      const parts = PROMPT_COMMAND.exec(request.before);
      if (!parts) return undefined;
      const { from, to, word } = wordAt(request);
      const typed = (parts[3] ?? '').split(/\s+/).filter(Boolean);
      // The words before the one at the cursor are the arguments already given.
      const given = word === '' ? typed : typed.slice(0, -1);
      const found = await context().engine.completePromptArgument(parts[1] ?? '', parts[2] ?? '', given, word, signal);
      return { from, to, items: found.map(asItem) };
    },
  };
}
