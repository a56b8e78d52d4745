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
  // A command takes its first line; lines after it (messages queued behind it) follow as text.
  const [first = '', ...more] = text.split('\n');
  const command = parsePromptCommand(first);
  // A line like "/usr:local …" is text unless it names a configured server.
  if (command && servers.some((s) => s.name === command.server)) {
    const { prompt, messages } = await expandPrompt(servers, command, signal);
    const rest = more.join('\n').trim();
    const after = rest === '' ? undefined : await userMessage(rest, servers, notice, signal);
    return { messages: [...messages, ...(after ? [after.message] : [])], prompt: { server: command.server, name: prompt.name }, attached: after?.attached ?? [] };
  }
  const { message, attached } = await userMessage(text, servers, notice, signal);
  return { messages: [message], attached };
}

/** Text as typed, with the resources it mentions attached after it. */
async function userMessage(
  text: string,
  servers: readonly ServerFeatures[],
  notice: (message: string) => void,
  signal?: AbortSignal,
): Promise<{ message: ChatMessage; attached: Attachment[] }> {
  const { blocks, attached } = await attachMentions(text, servers, notice, signal);
  return { message: { role: 'user', content: [{ type: 'text', text }, ...blocks] }, attached };
}
