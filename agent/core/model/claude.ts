import { setTimeout as delay } from 'node:timers/promises';
import Anthropic, { APIUserAbortError } from '@anthropic-ai/sdk';
import type { MessageParam, Tool } from '@anthropic-ai/sdk/resources/messages';
import { rootCause } from '../../../config/error-text.js';
import type { ModelInfo } from '../engine-types.js';
import { decideRetry } from './retry.js';
import {
  ModelCancelledError,
  ModelError,
  type ChatMessage,
  type ChatModel,
  type ModelRequest,
  type ModelResponse,
  type ServerBlock,
  type TextBlock,
  type ToolDefinition,
  type ToolUseBlock,
} from './types.js';

/**
 * The tools as sent: all of them, or — past the threshold — each with `defer_loading` plus the
 * tool search tool, so only the definitions the model searches for enter its context.
 */
export function toolsForRequest(tools: readonly ToolDefinition[], threshold: number): Array<Tool | typeof TOOL_SEARCH> {
  if (tools.length <= threshold) return tools as Tool[];
  return [...tools.map((t) => ({ ...t, defer_loading: true }) as Tool), TOOL_SEARCH];
}

export interface ClaudeSettings {
  apiKey: string;
  /** ANTHROPIC_BASE_URL; the SDK's default when absent. */
  baseURL?: string;
  model: string;
  maxTokens?: number;
  /** Past this many tools, definitions are deferred and the model finds them with the API's tool search. */
  toolSearchThreshold?: number;
}

/** Enough tools that sending every definition into the context each round costs more than searching them. */
export const DEFAULT_TOOL_SEARCH_THRESHOLD = 50;
const TOOL_SEARCH = { type: 'tool_search_tool_bm25_20251119', name: 'tool_search_tool_bm25' } as const;
const SERVER_BLOCKS = new Set(['server_tool_use', 'tool_search_tool_result']);

export interface ClaudeOptions {
  fetch?: typeof fetch;
  /** Retries after a retryable failure (429, 529, 5xx, network). */
  maxRetries?: number;
  /** First backoff step in ms (doubles per retry) when the API gives no retry-after. */
  retryBaseMs?: number;
}

const SYSTEM_PROMPT = [
  'You are Warden, an assistant in a terminal. You can call the tools of the MCP servers the user connected.',
  'Use a tool when it helps answer; when several calls are independent, request them together in one response so they run at the same time.',
  'Keep answers short and plain; quote tool results exactly where it matters (e.g. a reversed text).',
].join(' ');

const STOP_REASONS: Record<string, ModelResponse['stopReason']> = { end_turn: 'end_turn', tool_use: 'tool_use', max_tokens: 'max_tokens' };

/** The message as the API takes it: Warden's own fields (a tool_result's `cancelled`) stay behind. */
function toApiMessage(message: ChatMessage): MessageParam {
  const content = message.content.map((block) => {
    if (block.type !== 'tool_result') return block;
    const { cancelled: _local, ...sent } = block;
    return sent;
  });
  // Our blocks are the API's own shapes (a subset), server tool blocks included.
  return { role: message.role, content: content as MessageParam['content'] };
}

/** Claude through the Messages API, streaming; our own retry loop so each retry can be announced. */
export class ClaudeModel implements ChatModel {
  readonly info: ModelInfo;
  private readonly client: Anthropic;
  private readonly maxRetries: number;
  private readonly retryBaseMs: number;

  constructor(
    private readonly settings: ClaudeSettings,
    options: ClaudeOptions = {},
  ) {
    this.info = { kind: 'claude', model: settings.model };
    this.client = new Anthropic({
      apiKey: settings.apiKey,
      ...(settings.baseURL && { baseURL: settings.baseURL }),
      ...(options.fetch && { fetch: options.fetch }),
      // The loop below retries, so the user sees each wait as a notice instead of a silent stall.
      maxRetries: 0,
    });
    this.maxRetries = options.maxRetries ?? 3;
    this.retryBaseMs = options.retryBaseMs ?? 1000;
  }

  async respond(request: ModelRequest): Promise<ModelResponse> {
    for (let retries = 0; ; retries++) {
      let streamed = false;
      try {
        return await this.attempt(request, () => (streamed = true));
      } catch (error) {
        if (request.signal.aborted || error instanceof APIUserAbortError) throw new ModelCancelledError();
        const decision = decideRetry(error, {
          retries,
          maxRetries: this.maxRetries,
          baseDelayMs: this.retryBaseMs,
          model: this.settings.model,
          baseURL: this.client.baseURL,
        });
        // A retry after text was shown would show it twice: only failures before any output are retried.
        if (streamed) throw new ModelError(`the reply from Claude broke off mid-answer (${rootCause(error)}); ask again to retry`);
        if (!decision.retry) throw new ModelError(decision.message);
        request.onNotice(decision.notice);
        try {
          await delay(decision.delayMs, undefined, { signal: request.signal });
        } catch {
          throw new ModelCancelledError();
        }
      }
    }
  }

  private async attempt(request: ModelRequest, onOutput: () => void): Promise<ModelResponse> {
    const stream = this.client.messages.stream(
      {
        model: this.settings.model,
        max_tokens: Math.min(request.maxTokens ?? Infinity, this.settings.maxTokens ?? 4096),
        system: request.systemNote ? `${SYSTEM_PROMPT}\n\n${request.systemNote}` : SYSTEM_PROMPT,
        messages: request.messages.map(toApiMessage),
        ...(request.tools.length > 0 && { tools: toolsForRequest(request.tools, this.settings.toolSearchThreshold ?? DEFAULT_TOOL_SEARCH_THRESHOLD) }),
      },
      { signal: request.signal },
    );
    stream.on('text', (delta) => {
      onOutput();
      request.onText(delta);
    });
    const message = await stream.finalMessage();
    const content: Array<TextBlock | ToolUseBlock | ServerBlock> = [];
    for (const block of message.content) {
      if (block.type === 'text') content.push({ type: 'text', text: block.text });
      else if (SERVER_BLOCKS.has(block.type)) content.push(block as unknown as ServerBlock);
      else if (block.type === 'tool_use') {
        const input = block.input !== null && typeof block.input === 'object' ? (block.input as Record<string, unknown>) : {};
        content.push({ type: 'tool_use', id: block.id, name: block.name, input });
      }
    }
    return {
      content,
      stopReason: STOP_REASONS[message.stop_reason ?? ''] ?? 'other',
      usage: { inputTokens: message.usage.input_tokens, outputTokens: message.usage.output_tokens },
    };
  }
}
