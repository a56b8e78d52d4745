import type { GetPromptResult, Prompt, PromptArgument } from '@modelcontextprotocol/client';
import type { ChatMessage, ContentBlock } from '../model/types.js';
import { toModelResult } from '../mcp/result-content.js';
import type { ServerFeatures } from '../host/server-features.js';
import { UserInputError } from './errors.js';

/**
 * MCP prompts as commands: `/server:prompt arg…` parsed, its words given to the prompt's declared
 * arguments, `prompts/get` turned into the messages the model gets, and the next argument
 * completed through the server's `completion/complete`.
 *
 * Not responsible for: listing prompts in the UI, running the turn (the engine), terminal safety
 * of names shown (the UI's safeLine).
 */

/** `/server:prompt rest`: the server part is a configured server's name (letters, digits, `_`, `-`). */
const COMMAND = /^\/([A-Za-z0-9_-]{1,64}):(\S+)(?:\s+([\s\S]*))?$/;

/** A prompt name that can be typed as a command word (no space, no control character). */
export const typableName = (name: string): boolean => /^[^\s\p{C}]{1,128}$/u.test(name);

export interface PromptCommand {
  server: string;
  prompt: string;
  /** The words after the command, quotes removed. */
  words: string[];
}

/** The prompt command a line starts with, when it has the shape of one (the server may still not exist). */
export function parsePromptCommand(line: string): PromptCommand | undefined {
  const match = COMMAND.exec(line.trim());
  if (!match) return undefined;
  return { server: match[1] ?? '', prompt: match[2] ?? '', words: splitWords(match[3] ?? '') };
}

/** Words separated by spaces; "double" or 'single' quotes keep spaces in one word. */
export function splitWords(text: string): string[] {
  const words: string[] = [];
  const pattern = /"([^"]*)"?|'([^']*)'?|(\S+)/g;
  for (const match of text.matchAll(pattern)) words.push(match[1] ?? match[2] ?? match[3] ?? '');
  return words;
}

/** How the command is typed: `/server:prompt CITY [STATE]`. */
export function promptUsage(server: string, prompt: Prompt): string {
  const args = (prompt.arguments ?? []).map((a) => (a.required ? a.name.toUpperCase() : `[${a.name.toUpperCase()}]`));
  return [`/${server}:${prompt.name}`, ...args].join(' ');
}

/**
 * The words given to the prompt's arguments: `name=value` for a declared name, else in order;
 * words past the last argument join it (`/weather:forecast New York`).
 */
export function promptArguments(declared: readonly PromptArgument[], words: readonly string[]): Record<string, string> {
  const named: Record<string, string> = {};
  const positional: string[] = [];
  for (const word of words) {
    const pair = /^([^=\s]+)=([\s\S]*)$/.exec(word);
    if (pair && declared.some((a) => a.name === pair[1])) named[pair[1] ?? ''] = pair[2] ?? '';
    else positional.push(word);
  }
  const free = declared.filter((a) => named[a.name] === undefined);
  positional.forEach((word, i) => {
    const arg = free[Math.min(i, free.length - 1)];
    if (!arg) return;
    named[arg.name] = named[arg.name] === undefined ? word : `${named[arg.name]} ${word}`;
  });
  return named;
}

/** The server and prompt a command names; throws a UserInputError naming what is wrong. */
export async function findPrompt(servers: readonly ServerFeatures[], command: PromptCommand): Promise<{ server: ServerFeatures; prompt: Prompt }> {
  const server = servers.find((s) => s.name === command.server);
  if (!server) throw new UserInputError(`no server named "${command.server}" (/mcp lists them)`);
  const prompts = await server.listPrompts();
  const prompt = prompts.find((p) => p.name === command.prompt);
  if (!prompt) {
    const known = prompts.filter((p) => typableName(p.name)).map((p) => `/${command.server}:${p.name}`);
    const hint = known.length > 0 ? `; it has ${known.slice(0, 5).join(', ')}${known.length > 5 ? ', …' : ''}` : '; it offers no prompts';
    throw new UserInputError(`server "${command.server}" has no prompt "${command.prompt}"${hint}`);
  }
  return { server, prompt };
}

/** `prompts/get` with the command's words; throws a UserInputError when a required argument is missing or a word is left over. */
export async function expandPrompt(servers: readonly ServerFeatures[], command: PromptCommand, signal?: AbortSignal): Promise<{ prompt: Prompt; messages: ChatMessage[] }> {
  const { server, prompt } = await findPrompt(servers, command);
  const declared = prompt.arguments ?? [];
  if (declared.length === 0 && command.words.length > 0) throw new UserInputError(`/${command.server}:${command.prompt} takes no arguments`);
  const args = promptArguments(declared, command.words);
  const missing = declared.filter((a) => a.required && (args[a.name] ?? '') === '');
  if (missing.length > 0) {
    throw new UserInputError(`/${command.server}:${command.prompt} needs ${missing.map((a) => a.name).join(' and ')}: ${promptUsage(command.server, prompt)}`);
  }
  const result = await server.getPrompt(prompt.name, args, signal);
  return { prompt, messages: await promptMessages(result, (uri) => server.readResource(uri, signal)) };
}

/** A prompt's messages as the model gets them: its content mapped as a tool result's is (resource links read). */
export async function promptMessages(result: GetPromptResult, readResource: ServerFeatures['readResource']): Promise<ChatMessage[]> {
  const messages: ChatMessage[] = [];
  for (const message of result.messages) {
    const { blocks } = await toModelResult({ content: [message.content] }, { readResource });
    // Images go to the model only in the user's own messages; the API refuses them from the assistant.
    const content: ContentBlock[] = blocks.map((b) => (b.type === 'image' && message.role === 'assistant' ? { type: 'text', text: `[image ${b.source.media_type} left out]` } : b));
    const last = messages.at(-1);
    if (last?.role === message.role) last.content.push(...content);
    else messages.push({ role: message.role, content });
  }
  if (messages.length === 0) throw new UserInputError('the prompt came back empty');
  return messages;
}

/**
 * Values for the argument the cursor is on: `given` are the words typed before it, `value` what is
 * typed of it so far. Empty when the prompt has no argument there or the server does not complete.
 */
export async function completePromptArgument(
  server: ServerFeatures,
  prompt: Prompt,
  given: readonly string[],
  value: string,
  signal?: AbortSignal,
): Promise<{ argument?: PromptArgument; values: string[] }> {
  const declared = prompt.arguments ?? [];
  const before = promptArguments(declared, given);
  const argument = declared.filter((a) => before[a.name] === undefined)[0];
  if (!argument) return { values: [] };
  const values = await server.complete(
    { ref: { type: 'ref/prompt', name: prompt.name }, argument: { name: argument.name, value }, ...(Object.keys(before).length > 0 && { context: { arguments: before } }) },
    signal,
  );
  return { argument, values: values.flatMap((v) => asWord(v)) };
}

/** A value as one typed word: quoted when it has spaces; none when it cannot be typed (control characters, quotes inside). */
function asWord(value: string): string[] {
  if (value === '' || /\p{C}/u.test(value)) return [];
  if (!/\s/.test(value)) return [value];
  return value.includes('"') ? [] : [`"${value}"`];
}
