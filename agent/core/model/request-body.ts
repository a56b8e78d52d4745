/**
 * The Messages API request for one model round, laid out so the prompt cache hits: the cached
 * prefix is tools → system → messages, and anything that changes early invalidates everything
 * after it. So the tool list comes in the catalog's stable sorted order (whatever order servers
 * connected in), the system prompt is a constant (no clock, no counters; what varies goes in a
 * second block after its breakpoint), history blocks are sent exactly as they were kept, and the
 * four breakpoints the API allows sit on the last tool, the system prompt, the previous request's
 * tail and this request's tail: each round reads what the previous one wrote.
 *
 * Not responsible for: sending (claude.ts), which tools exist (the host's catalog).
 */
import type { BetaCacheControlEphemeral, BetaMessageParam, BetaTextBlockParam, BetaToolUnion } from '@anthropic-ai/sdk/resources/beta/messages';
import type { ChatMessage, ContentBlock, ToolDefinition } from './types.js';

/** How long cache entries live: `5m` (written at 1.25× the input price) or `1h` (2×); `off` sends no breakpoints. */
export type CacheTtl = '5m' | '1h' | 'off';

export const SYSTEM_PROMPT = [
  'You are Warden, an assistant in a terminal. You can call the tools of the MCP servers the user connected.',
  'Use a tool when it helps answer; when several calls are independent, request them together in one response so they run at the same time.',
  'Keep answers short and plain; quote tool results exactly where it matters (e.g. a reversed text).',
].join(' ');

/** Enough tools that sending every definition into the context each round costs more than searching them. */
export const DEFAULT_TOOL_SEARCH_THRESHOLD = 50;
export const TOOL_SEARCH = { type: 'tool_search_tool_bm25_20251119', name: 'tool_search_tool_bm25' } as const;

type ApiTool = BetaToolUnion;

/**
 * The tools as sent: all of them, or — past the threshold — each with `defer_loading` plus the
 * tool search tool, so only the definitions the model searches for enter its context.
 */
export function toolsForRequest(tools: readonly ToolDefinition[], threshold: number): ApiTool[] {
  if (tools.length <= threshold) return tools.map((t) => ({ ...t }) as ApiTool);
  return [...tools.map((t) => ({ ...t, defer_loading: true }) as ApiTool), { ...TOOL_SEARCH }];
}

/** The message as the API takes it: Warden's own fields (a tool_result's `cancelled`) stay behind. */
function toApiBlock(block: ContentBlock): Record<string, unknown> {
  if (block.type !== 'tool_result') return { ...block };
  const { cancelled: _local, ...sent } = block;
  return sent;
}

export interface CachedLayout {
  system: BetaTextBlockParam[];
  tools: ApiTool[];
  messages: BetaMessageParam[];
}

/** The index of the user message that ended the previous request: the last one before the last assistant message. */
function previousTail(messages: readonly ChatMessage[]): number {
  const lastAssistant = messages.findLastIndex((m) => m.role === 'assistant');
  for (let i = lastAssistant - 1; i >= 0; i--) if (messages[i]?.role === 'user') return i;
  return -1;
}

/** Tools, system prompt and messages with the cache breakpoints placed (none with `off`). */
export function cachedLayout(input: { tools: readonly ToolDefinition[]; messages: readonly ChatMessage[]; systemNote?: string; threshold: number; ttl: CacheTtl }): CachedLayout {
  const mark: BetaCacheControlEphemeral | undefined = input.ttl === 'off' ? undefined : { type: 'ephemeral', ...(input.ttl === '1h' && { ttl: '1h' }) };
  const tools = toolsForRequest(input.tools, input.threshold);
  const system: BetaTextBlockParam[] = [{ type: 'text', text: SYSTEM_PROMPT }];
  if (input.systemNote) system.push({ type: 'text', text: input.systemNote });
  const messages = input.messages.map((m) => ({ role: m.role, content: m.content.map(toApiBlock) }));
  if (mark) {
    const lastTool = tools.at(-1);
    if (lastTool) tools[tools.length - 1] = { ...lastTool, cache_control: mark } as ApiTool;
    system[0] = { ...(system[0] as BetaTextBlockParam), cache_control: mark };
    for (const index of new Set([previousTail(input.messages), messages.length - 1])) {
      const content = messages[index]?.content;
      const last = content?.at(-1);
      if (content && last) content[content.length - 1] = { ...last, cache_control: mark };
    }
  }
  // Our blocks are the API's own shapes (a subset), server tool and compaction blocks included.
  return { system, tools, messages: messages as unknown as BetaMessageParam[] };
}
