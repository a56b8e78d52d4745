import { setTimeout as delay } from 'node:timers/promises';
import Anthropic, { APIUserAbortError } from '@anthropic-ai/sdk';
import type { BetaUsage } from '@anthropic-ai/sdk/resources/beta/messages';
import { rootCause } from '../../../config/error-text.js';
import type { ModelInfo, TurnUsage } from '../engine-types.js';
import { cachedLayout, DEFAULT_TOOL_SEARCH_THRESHOLD, type CacheTtl } from './request-body.js';
import { decideRetry } from './retry.js';
import { ModelCancelledError, ModelError, type ChatModel, type CompactionBlock, type ModelRequest, type ModelResponse, type ServerBlock } from './types.js';

export interface ClaudeSettings {
  apiKey: string;
  /** ANTHROPIC_BASE_URL; the SDK's default when absent. */
  baseURL?: string;
  model: string;
  maxTokens?: number;
  /** Past this many tools, definitions are deferred and the model finds them with the API's tool search. */
  toolSearchThreshold?: number;
  /** Prompt cache breakpoints' lifetime (default 5m), or off. */
  cacheTtl?: CacheTtl;
}

const SERVER_BLOCKS = new Set(['server_tool_use', 'tool_search_tool_result']);

export interface ClaudeOptions {
  fetch?: typeof fetch;
  /** Retries after a retryable failure (429, 529, 5xx, network). */
  maxRetries?: number;
  /** First backoff step in ms (doubles per retry) when the API gives no retry-after. */
  retryBaseMs?: number;
}

const STOP_REASONS: Record<string, ModelResponse['stopReason']> = { end_turn: 'end_turn', tool_use: 'tool_use', max_tokens: 'max_tokens' };

/** The API's usage in Warden's terms: uncached input, output, and what was written to or read from the cache. */
function usageOf(usage: BetaUsage): TurnUsage {
  const oneHour = usage.cache_creation?.ephemeral_1h_input_tokens ?? 0;
  return {
    inputTokens: usage.input_tokens,
    outputTokens: usage.output_tokens,
    cacheCreationInputTokens: usage.cache_creation_input_tokens ?? 0,
    cacheReadInputTokens: usage.cache_read_input_tokens ?? 0,
    ...(oneHour > 0 && { cacheCreation1hInputTokens: oneHour }),
  };
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
    const { system, tools, messages } = cachedLayout({
      tools: request.tools,
      messages: request.messages,
      ...(request.systemNote && { systemNote: request.systemNote }),
      threshold: this.settings.toolSearchThreshold ?? DEFAULT_TOOL_SEARCH_THRESHOLD,
      ttl: this.settings.cacheTtl ?? '5m',
    });
    const stream = this.client.beta.messages.stream(
      {
        model: this.settings.model,
        max_tokens: Math.min(request.maxTokens ?? Infinity, this.settings.maxTokens ?? 4096),
        system,
        messages,
        ...(tools.length > 0 && { tools }),
      },
      { signal: request.signal },
    );
    stream.on('text', (delta) => {
      onOutput();
      request.onText(delta);
    });
    const message = await stream.finalMessage();
    const content: ModelResponse['content'] = [];
    for (const block of message.content) {
      if (block.type === 'text') content.push({ type: 'text', text: block.text });
      else if (SERVER_BLOCKS.has(block.type)) content.push(block as unknown as ServerBlock);
      // Sent back verbatim in the next request, in place of what it summarizes.
      else if (block.type === 'compaction') content.push({ ...block } as CompactionBlock);
      else if (block.type === 'tool_use') {
        const input = block.input !== null && typeof block.input === 'object' ? (block.input as Record<string, unknown>) : {};
        content.push({ type: 'tool_use', id: block.id, name: block.name, input });
      }
    }
    return {
      content,
      stopReason: STOP_REASONS[message.stop_reason ?? ''] ?? 'other',
      usage: usageOf(message.usage),
    };
  }
}
