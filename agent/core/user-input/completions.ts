import type { InputCompletion, PromptSummary } from '../engine-types.js';
import type { ServerFeatures } from '../host/server-features.js';
import { completePromptArgument, promptUsage, typableName } from './prompt-command.js';
import { completeMention } from './resource-mentions.js';

/**
 * The engine's answers to the input line: which prompts can be run as `/server:prompt`, and what
 * completes a prompt's argument or an `@` mention. A server that fails to answer offers nothing
 * (completion is a convenience: typing goes on).
 */

export async function promptSummaries(servers: readonly ServerFeatures[]): Promise<PromptSummary[]> {
  const lists = await Promise.all(
    servers
      .filter((s) => s.offers().prompts)
      .map(async (server) =>
        (await server.listPrompts().catch(() => []))
          .filter((p) => typableName(p.name))
          .map(
            (p): PromptSummary => ({
              server: server.name,
              name: p.name,
              ...(p.title !== undefined && { title: p.title }),
              ...(p.description !== undefined && { description: p.description }),
              arguments: (p.arguments ?? []).map((a) => ({ name: a.name, ...(a.description !== undefined && { description: a.description }), required: a.required === true })),
              usage: promptUsage(server.name, p),
            }),
          ),
      ),
  );
  return lists.flat();
}

export async function promptArgumentCompletions(
  servers: readonly ServerFeatures[],
  serverName: string,
  promptName: string,
  given: readonly string[],
  value: string,
  signal?: AbortSignal,
): Promise<InputCompletion[]> {
  const server = servers.find((s) => s.name === serverName);
  if (!server?.offers().prompts) return [];
  const prompt = (await server.listPrompts().catch(() => [])).find((p) => p.name === promptName);
  if (!prompt) return [];
  const { argument, values } = await completePromptArgument(server, prompt, given, value, signal).catch(() => ({ argument: undefined, values: [] }));
  return values.map((v) => ({ value: v, ...(argument && { label: v, description: argument.description ?? argument.name }), complete: true }));
}

export async function mentionCompletions(servers: readonly ServerFeatures[], typed: string, signal?: AbortSignal): Promise<InputCompletion[]> {
  return completeMention(servers, typed, signal).catch(() => []);
}
