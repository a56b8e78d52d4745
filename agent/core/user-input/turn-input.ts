import type { ServerFeatures } from '../host/server-features.js';
import type { ChatMessage } from '../model/types.js';
import { expandPrompt, parsePromptCommand } from './prompt-command.js';
import { attachMentions, type Attachment } from './resource-mentions.js';

/**
 * What the user typed, made the messages of a turn: `/server:prompt args` (a configured server's
 * MCP prompt) becomes the prompt's messages, and `@server:uri` mentions attach their resources
 * after the text. Anything else is the text as typed.
 *
 * Not responsible for: the turn itself (turn.ts), telling the user (the caller's `onAttached`).
 */

export interface TurnInput {
  /** The messages to add before the model is asked (the last one the user's). */
  messages: ChatMessage[];
  /** The MCP prompt the line ran, if any. */
  prompt?: { server: string; name: string };
  attached: Attachment[];
}

/** Throws a UserInputError (one line) when a prompt command cannot be run; a mention that cannot be read is only a notice. */
export async function prepareTurnInput(text: string, servers: readonly ServerFeatures[], notice: (message: string) => void, signal?: AbortSignal): Promise<TurnInput> {
  const command = parsePromptCommand(text);
  // A line like "/usr:local …" is text unless it names a configured server.
  if (command && servers.some((s) => s.name === command.server)) {
    const { prompt, messages } = await expandPrompt(servers, command, signal);
    return { messages, prompt: { server: command.server, name: prompt.name }, attached: [] };
  }
  const { blocks, attached } = await attachMentions(text, servers, notice, signal);
  return { messages: [{ role: 'user', content: [{ type: 'text', text }, ...blocks] }], attached };
}
