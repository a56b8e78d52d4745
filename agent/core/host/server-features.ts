import type { CompleteRequest, GetPromptResult, Prompt, ReadResourceResult } from '@modelcontextprotocol/client';
import type { ResourceCatalog } from '../mcp/session.js';

/**
 * What one server offers besides tools, as the user's input reaches it: prompts (`/server:prompt`),
 * resources (`@server:uri`) and argument completion. HostedServer implements it; types only, so
 * the input handling (agent/core/user-input) and the host do not import each other.
 */
export interface ServerFeatures {
  readonly name: string;
  /** What the connected server declared (all false while it is not connected). */
  offers(): { prompts: boolean; resources: boolean; completions: boolean };
  /** Connects first if needed; throws (one line) when the server cannot be used. */
  listPrompts(): Promise<Prompt[]>;
  getPrompt(name: string, args: Record<string, string>, signal?: AbortSignal): Promise<GetPromptResult>;
  listResources(): Promise<ResourceCatalog>;
  readResource(uri: string, signal?: AbortSignal): Promise<ReadResourceResult>;
  /** `completion/complete`: the server's values for an argument (none when it does not complete). */
  complete(params: CompleteRequest['params'], signal?: AbortSignal): Promise<string[]>;
}
