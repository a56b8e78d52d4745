import { setTimeout as delay } from 'node:timers/promises';
import Anthropic, { APIUserAbortError } from '@anthropic-ai/sdk';
import type { BetaContextManagementConfig, BetaMessageStreamParams, BetaUsage } from '@anthropic-ai/sdk/resources/beta/messages';
import { rootCause } from '../../../config/error-text.js';
import { addUsage } from '../usage.js';
import { limitsFromModelsApi, tableLimits, type ModelLimits } from './limits.js';
import { cachedLayout, DEFAULT_TOOL_SEARCH_THRESHOLD, type CacheTtl } from './request-body.js';
import { decideRetry } from './retry.js';
import {
  ModelCancelledError,
  ModelError,
  type ChatModel,
  type CompactionBlock,
  type CompactRequest,
  type ModelInfo,
  type ModelRequest,
  type ModelResponse,
  type ServerBlock,
  type TurnUsage,
} from './types.js';

export interface ClaudeSettings {
  apiKey: string;
  /** ANTHROPIC_BASE_URL; the SDK's default when absent. */
  baseURL?: string;
  model: string;
  /** The largest reply (WARDEN_MAX_TOKENS); default the model's own limit. */
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
  /** Sits out one retry's wait, rejecting when `signal` aborts; default a real timer (tests record the waits instead). */
  wait?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/** The context window cut the reply short: to the loop that is the same as the output limit. */
const STOP_REASONS: Record<string, ModelResponse['stopReason']> = {
  end_turn: 'end_turn',
  tool_use: 'tool_use',
  max_tokens: 'max_tokens',
  model_context_window_exceeded: 'max_tokens',
};

/** The betas for context management: clearing old tool results, automatic compaction, and compaction on request. */
const CONTEXT_MANAGEMENT_BETA = 'context-management-2025-06-27';
const AUTO_COMPACT_BETA = 'compact-2026-01-12';
const COMPACT_REQUEST_BETA = 'compact-2026-09-04';
/** Tool uses kept when the API clears old ones, and the least it must clear to be worth the cache it breaks. */
const KEEP_TOOL_USES = 3;
const CLEAR_AT_LEAST = 5000;
/** How long the Models API may take before the table's limits are used instead. */
const MODELS_API_TIMEOUT_MS = 5000;

/** Context management for one request: the edits and the betas they need. */
function contextEdits(request: ModelRequest): { betas: string[]; context_management?: BetaContextManagementConfig } {
  const { clearAt, compactAt } = request.contextManagement ?? {};
  const edits: NonNullable<BetaContextManagementConfig['edits']> = [];
  const betas: string[] = [];
  if (clearAt !== undefined) {
    edits.push({
      type: 'clear_tool_uses_20250919',
      trigger: { type: 'input_tokens', value: clearAt },
      keep: { type: 'tool_uses', value: KEEP_TOOL_USES },
      clear_at_least: { type: 'input_tokens', value: CLEAR_AT_LEAST },
    });
    betas.push(CONTEXT_MANAGEMENT_BETA);
  }
  if (compactAt !== undefined) {
    edits.push({ type: 'compact_20260112', trigger: { type: 'input_tokens', value: compactAt } });
    betas.push(AUTO_COMPACT_BETA);
  }
  return edits.length > 0 ? { betas, context_management: { edits } } : { betas };
}

/** The API's usage in Warden's terms: uncached input, output, and what was written to or read from the cache. */
function usageOf(usage: Pick<BetaUsage, 'input_tokens' | 'output_tokens' | 'cache_creation' | 'cache_creation_input_tokens' | 'cache_read_input_tokens'>): TurnUsage {
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
  private readonly wait: (ms: number, signal: AbortSignal) => Promise<void>;
  private knownLimits: Promise<ModelLimits> | undefined;
  private outputLimit: number | undefined;

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
    this.wait = options.wait ?? ((ms, signal) => delay(ms, undefined, { signal }));
  }

  /** The Models API's answer for this model (once per session), else the built-in table's. */
  limits(): Promise<ModelLimits> {
    this.knownLimits ??= this.client.models
      .retrieve(this.settings.model, undefined, { timeout: MODELS_API_TIMEOUT_MS })
      .then(
        (info) => limitsFromModelsApi(this.settings.model, info),
        () => tableLimits(this.settings.model),
      )
      .then((limits) => {
        this.outputLimit = limits.maxOutputTokens;
        return limits;
      });
    return this.knownLimits;
  }

  async countTokens(request: Pick<ModelRequest, 'messages' | 'tools' | 'systemNote' | 'signal'>): Promise<number> {
    const { system, tools, messages } = this.layout(request);
    const counted = await this.client.beta.messages.countTokens({ model: this.settings.model, system, messages, ...(tools && { tools }) }, { signal: request.signal });
    return counted.input_tokens;
  }

  /** A `compaction` request: the API summarizes the whole history into one signed compaction block. */
  compact(request: CompactRequest): Promise<ModelResponse> {
    return this.withRetries(
      request.signal,
      () => undefined,
      (onOutput) =>
        this.stream(
          {
            ...this.layout(request),
            compaction: { type: 'summarize', ...(request.instructions && { instructions: request.instructions }) },
            betas: [COMPACT_REQUEST_BETA],
          },
          request.signal,
          () => undefined,
          onOutput,
        ),
    );
  }

  respond(request: ModelRequest): Promise<ModelResponse> {
    const { betas, context_management } = contextEdits(request);
    return this.withRetries(request.signal, request.onNotice, (onOutput) =>
      this.stream(
        {
          ...this.layout(request),
          ...(request.toolChoice && { tool_choice: { type: request.toolChoice } }),
          ...(context_management && { context_management }),
          ...(betas.length > 0 && { betas }),
          max_tokens: Math.min(request.maxTokens ?? Infinity, this.settings.maxTokens ?? this.outputLimit ?? 4096),
        },
        request.signal,
        request.onText,
        onOutput,
      ),
    );
  }

  private async withRetries(signal: AbortSignal, onNotice: (notice: string) => void, attempt: (onOutput: () => void) => Promise<ModelResponse>): Promise<ModelResponse> {
    for (let retries = 0; ; retries++) {
      let streamed = false;
      try {
        return await attempt(() => (streamed = true));
      } catch (error) {
        if (signal.aborted || error instanceof APIUserAbortError) throw new ModelCancelledError();
        const decision = decideRetry(error, {
          retries,
          maxRetries: this.maxRetries,
          baseDelayMs: this.retryBaseMs,
          model: this.settings.model,
          baseURL: this.client.baseURL,
        });
        // A retry after text was shown would show it twice: only failures before any output are retried.
        if (streamed) throw new ModelError(`the reply from Claude broke off mid-answer (${rootCause(error)}); ask again to retry`);
        if (!decision.retry) throw new ModelError(decision.message, decision.kind);
        onNotice(decision.notice);
        try {
          await this.wait(decision.delayMs, signal);
        } catch {
          throw new ModelCancelledError();
        }
      }
    }
  }

  /** Tools, system and messages laid out for the prompt cache (request-body.ts). */
  private layout(request: Pick<ModelRequest, 'messages' | 'tools' | 'systemNote'>) {
    const { system, tools, messages } = cachedLayout({
      tools: request.tools,
      messages: request.messages,
      ...(request.systemNote && { systemNote: request.systemNote }),
      threshold: this.settings.toolSearchThreshold ?? DEFAULT_TOOL_SEARCH_THRESHOLD,
      ttl: this.settings.cacheTtl ?? '5m',
    });
    return { system, messages, ...(tools.length > 0 && { tools }) };
  }

  private async stream(
    params: Omit<BetaMessageStreamParams, 'model' | 'max_tokens'> & { max_tokens?: number },
    signal: AbortSignal,
    onText: (delta: string) => void,
    onOutput: () => void,
  ): Promise<ModelResponse> {
    const stream = this.client.beta.messages.stream({ model: this.settings.model, max_tokens: this.outputLimit ?? 4096, ...params } as BetaMessageStreamParams, { signal });
    stream.on('text', (delta) => {
      onOutput();
      onText(delta);
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
    const cleared = (message.context_management?.applied_edits ?? []).flatMap((e) => (e.type === 'clear_tool_uses_20250919' ? [e] : []));
    const compaction = (message.usage.iterations ?? []).filter((i) => i.type === 'compaction') as unknown as BetaUsage[];
    return {
      content,
      stopReason: STOP_REASONS[message.stop_reason ?? ''] ?? 'other',
      usage: usageOf(message.usage),
      ...(compaction.length > 0 && { compactionUsage: compaction.map(usageOf).reduce(addUsage) }),
      ...(cleared.length > 0 && {
        cleared: { toolUses: cleared.reduce((n, e) => n + e.cleared_tool_uses, 0), inputTokens: cleared.reduce((n, e) => n + e.cleared_input_tokens, 0) },
      }),
    };
  }
}
