/**
 * Keeps the conversation inside the model's context window. Before each model round it knows the
 * window and output limit (the Models API, else the built-in table, capped by WARDEN_CONTEXT_WINDOW),
 * estimates the request's size (calibrated against the API's own counts, and counted by the API's
 * `count_tokens` when close), and decides:
 *
 * - where the API manages context itself (`compact_20260112`, `clear_tool_uses_20250919`), it asks
 *   for that: compaction at the threshold (default 80 % of the window), old tool results cleared
 *   before it; the compaction block that comes back stays in the history and is saved;
 * - otherwise Warden compacts before the window fills: first it clears old large tool results,
 *   then, if that is not enough, has the model summarize everything before the turn in progress
 *   (the offline demo model gets an extract instead);
 * - `max_tokens`: the model's limit (or WARDEN_MAX_TOKENS), never more than the room left.
 *
 * `/compact [instructions]` compacts on demand, on the server where offered. A request the API
 * still finds too long is compacted locally and sent again once (the turn does that).
 *
 * Not responsible for: running the round (turn.ts), saving (the engine records the events).
 */
import type { Conversation } from '../conversation.js';
import type { Compaction, TurnUsage } from '../engine-types.js';
import { DEMO_LIMITS, tableLimits, type ModelLimits } from '../model/limits.js';
import { SYSTEM_PROMPT } from '../model/request-body.js';
import { ModelError, modelName, type ChatMessage, type ChatModel, type CompactionBlock, type ModelResponse, type ToolDefinition } from '../model/types.js';
import { contextTokens } from '../usage.js';
import { messagesTokens, textTokens, toolsTokens } from './estimate.js';
import { clearOldToolResults, compactedHistory, extractiveSummary, modelSummary, splitForSummary } from './summary.js';

export interface ContextSettings {
  /** WARDEN_CONTEXT_WINDOW: use at most this many tokens of the model's window. */
  window?: number;
  /** Percent of the window at which to compact; undefined: never automatically (only /compact and an overflow). */
  compactAtPercent?: number;
  /** WARDEN_MAX_TOKENS: the longest reply; default the model's own limit. */
  maxTokens?: number;
}

/** What a model round needs from here. */
export interface RoundInput {
  tools: readonly ToolDefinition[];
  systemNote?: string;
  signal: AbortSignal;
  onNotice: (message: string) => void;
}

export interface RoundPlan {
  maxTokens: number;
  contextManagement?: { compactAt?: number; clearAt?: number };
}

export interface ContextManagerDeps {
  model: ChatModel;
  conversation: Conversation;
  settings: ContextSettings;
  /** Usage of a request made here (a summary), for the cost. */
  onUsage?: (usage: TurnUsage) => void;
}

/** Compaction at less than this share of the window would compact all the time. */
const MIN_COMPACT_PERCENT = 10;
/** Old tool results are cleared this far below the compaction threshold (API clearing). */
const CLEAR_BELOW_PERCENT = 20;
/** With the API compacting, Warden steps in only this close to the window (a safety net). */
const SAFETY_PERCENT = 95;
/** Estimates within this share of a limit are checked with the API's count. */
const CHECK_SHARE = 0.9;
/** Clearing is enough when it leaves the context this far under the threshold. */
const CLEARED_ENOUGH = 0.8;
/** Room kept for a reply when the context is large, and the least a reply gets. */
const MIN_REPLY = 1024;

export class ContextManager {
  private known: Promise<ModelLimits> | undefined;
  private limitsNow: ModelLimits | undefined;
  /** The API refused its context management here: Warden compacts locally from now on. */
  private serverSide = true;
  /** API tokens ÷ estimated tokens, from the last reply (estimates drift from the tokenizer). */
  private ratio = 1;
  private lastEstimate = 0;
  private lastTokens: number | undefined;

  constructor(private readonly deps: ContextManagerDeps) {}

  /** The window and output limit in effect (the model's, capped by WARDEN_CONTEXT_WINDOW). */
  async limits(): Promise<ModelLimits> {
    this.known ??= (this.deps.model.limits?.() ?? Promise.resolve(this.deps.model.info.kind === 'demo' ? DEMO_LIMITS : tableLimits(this.deps.model.info.model))).then((limits) => {
      const window = Math.min(limits.contextWindow, this.deps.settings.window ?? Infinity);
      this.limitsNow = { ...limits, contextWindow: window };
      return this.limitsNow;
    });
    return this.known;
  }

  /** The context now (tokens the last request held, or the estimate) and the window, once known. */
  status(): { tokens: number; window: number } | undefined {
    if (!this.limitsNow) return undefined;
    return { tokens: this.lastTokens ?? this.lastEstimate, window: this.limitsNow.contextWindow };
  }

  /** The request's size as estimated, calibrated by the last reply's real count. */
  estimate(input: Pick<RoundInput, 'tools' | 'systemNote'>, messages: readonly ChatMessage[] = this.deps.conversation.all): number {
    const raw = toolsTokens(input.tools) + textTokens(SYSTEM_PROMPT + (input.systemNote ?? '')) + messagesTokens(messages);
    return Math.ceil(raw * this.ratio);
  }

  /** Before a model round: compacts locally if it must, and says how big a reply may be and what the API should manage. */
  async beforeRound(input: RoundInput): Promise<{ plan: RoundPlan; compacted?: Compaction }> {
    const limits = await this.limits();
    const window = limits.contextWindow;
    const threshold = this.threshold(window);
    const server = limits.serverCompaction && this.serverSide;
    let estimate = this.estimate(input);
    let compacted: Compaction | undefined;
    if (threshold !== undefined) {
      const localAt = server ? Math.floor((window * SAFETY_PERCENT) / 100) : threshold;
      if (estimate >= localAt * CHECK_SHARE) estimate = await this.count(input, estimate);
      if (estimate >= localAt) compacted = await this.compactLocally(input, estimate, threshold);
      if (compacted) estimate = compacted.tokensAfter;
    }
    this.lastEstimate = estimate;
    const clearAt =
      threshold !== undefined && limits.clearToolUses && this.serverSide
        ? Math.floor((window * Math.max(MIN_COMPACT_PERCENT, (this.deps.settings.compactAtPercent ?? 0) - CLEAR_BELOW_PERCENT)) / 100)
        : undefined;
    const managed = { ...(server && threshold !== undefined && { compactAt: threshold }), ...(clearAt !== undefined && { clearAt }) };
    return { plan: { maxTokens: this.replyRoom(limits, estimate), ...(Object.keys(managed).length > 0 && { contextManagement: managed }) }, ...(compacted && { compacted }) };
  }

  /** After a reply: what the API compacted or cleared (if anything), and the real size for the next estimate. */
  afterResponse(response: ModelResponse): Compaction | undefined {
    const real = contextTokens(response.usage);
    const block = response.content.find((b): b is CompactionBlock => b.type === 'compaction' && typeof b.content === 'string');
    let happened: Compaction | undefined;
    if (block) happened = { how: 'server-summary', tokensBefore: this.lastEstimate, tokensAfter: real || this.estimate({ tools: [] }), summary: block.content ?? '' };
    else if (response.cleared) {
      happened = {
        how: 'server-clearing',
        tokensBefore: real + response.cleared.inputTokens,
        tokensAfter: real,
        summary: `The API cleared ${response.cleared.toolUses} old tool result${response.cleared.toolUses === 1 ? '' : 's'} from the model's context`,
      };
    } else if (real > 0 && this.lastEstimate > 0) this.ratio = Math.max(0.25, Math.min(4, (this.ratio * real) / this.lastEstimate));
    if (real > 0) this.lastTokens = real;
    return happened;
  }

  /**
   * The API found the request too long (`prompt is too long: N tokens > W maximum`): the window it
   * named is the window from now on, and the history is compacted locally to fit it, so the round
   * can be sent again.
   */
  async recover(input: RoundInput, refusal: string): Promise<Compaction | undefined> {
    const limits = await this.limits();
    const [, sent, allowed] = /(\d[\d,]*) tokens? > (\d[\d,]*)/.exec(refusal) ?? [];
    const number = (text: string | undefined): number | undefined => (text === undefined ? undefined : Number(text.replace(/,/g, '')));
    const window = Math.min(limits.contextWindow, number(allowed) ?? Math.floor(limits.contextWindow / 2));
    this.limitsNow = { ...limits, contextWindow: window };
    this.known = Promise.resolve(this.limitsNow);
    const estimate = Math.max(number(sent) ?? 0, this.estimate(input));
    return this.compactLocally(input, estimate, this.threshold(window) ?? Math.floor((window * 80) / 100));
  }

  /** A new (or resumed) history: what was measured of the old one no longer holds. */
  forget(): void {
    this.ratio = 1;
    this.lastEstimate = this.estimate({ tools: [] });
    this.lastTokens = undefined;
  }

  /** The API refused context management: from now on Warden compacts by itself. */
  serverUnavailable(): void {
    this.serverSide = false;
  }

  /** `/compact [instructions]`: on the server where the API offers it, else locally. */
  async compactNow(input: RoundInput, instructions?: string): Promise<Compaction> {
    const limits = await this.limits();
    const messages = this.deps.conversation.all;
    if (messages.length === 0) throw new Error('there is nothing to compact yet');
    const before = await this.count(input, this.estimate(input));
    if (limits.serverCompaction && this.serverSide && this.deps.model.compact) {
      try {
        const response = await this.deps.model.compact({
          messages,
          tools: input.tools,
          ...(input.systemNote && { systemNote: input.systemNote }),
          ...(instructions && { instructions }),
          signal: input.signal,
        });
        this.deps.onUsage?.(response.usage);
        const block = response.content.find((b): b is CompactionBlock => b.type === 'compaction' && typeof b.content === 'string');
        if (!block) throw new Error('the API returned no summary; the conversation is unchanged');
        this.deps.conversation.addAssistant([block], {
          model: modelName(this.deps.model),
          stopReason: 'compaction',
          usage: response.usage,
        });
        return this.done({ how: 'server-summary', tokensBefore: before, tokensAfter: this.estimate(input), summary: block.content ?? '' });
      } catch (error) {
        if (!(error instanceof ModelError && error.kind === 'context-management-rejected')) throw error;
        this.serverUnavailable();
      }
    }
    // Between turns nothing is in progress: everything is summarized.
    const compacted = await this.summarize(input, before, { older: [...messages], kept: [] }, instructions);
    if (!compacted) throw new Error('there is nothing to compact yet');
    return compacted;
  }

  private done(c: Compaction): Compaction {
    this.lastTokens = undefined;
    this.lastEstimate = c.tokensAfter;
    return c;
  }

  private threshold(window: number): number | undefined {
    const percent = this.deps.settings.compactAtPercent;
    return percent === undefined ? undefined : Math.floor((window * Math.max(MIN_COMPACT_PERCENT, percent)) / 100);
  }

  /** The API's own count where the model offers one (and it answers), else the estimate. */
  private async count(input: RoundInput, estimate: number): Promise<number> {
    if (!this.deps.model.countTokens) return estimate;
    try {
      const counted = await this.deps.model.countTokens({
        messages: this.deps.conversation.all,
        tools: input.tools,
        ...(input.systemNote && { systemNote: input.systemNote }),
        signal: input.signal,
      });
      if (estimate > 0) this.ratio = Math.max(0.25, Math.min(4, (this.ratio * counted) / estimate));
      return counted;
    } catch {
      return estimate;
    }
  }

  private replyRoom(limits: ModelLimits, estimate: number): number {
    const wanted = Math.min(this.deps.settings.maxTokens ?? limits.maxOutputTokens, limits.maxOutputTokens);
    return Math.max(MIN_REPLY, Math.min(wanted, limits.contextWindow - estimate - MIN_REPLY));
  }

  /** Clears old large tool results; summarizes when that is not enough. */
  private async compactLocally(input: RoundInput, estimate: number, threshold: number): Promise<Compaction | undefined> {
    const messages = this.deps.conversation.all;
    const clearing = clearOldToolResults(messages);
    if (clearing.count > 0) {
      const after = this.estimate(input, clearing.messages);
      if (after < threshold * CLEARED_ENOUGH) {
        this.deps.conversation.replace(clearing.messages);
        return this.done({
          how: 'local-clearing',
          tokensBefore: estimate,
          tokensAfter: after,
          summary: `Cleared ${clearing.count} old tool result${clearing.count === 1 ? '' : 's'} from the model's context`,
        });
      }
    }
    // The summary request itself must fit: a history past the window is summarized without its old results.
    const limits = await this.limits();
    const source = estimate + 9000 < limits.contextWindow ? messages : clearing.messages;
    return this.summarize(input, estimate, splitForSummary(source));
  }

  private async summarize(
    input: RoundInput,
    before: number,
    { older, kept }: { older: ChatMessage[]; kept: ChatMessage[] },
    instructions?: string,
  ): Promise<Compaction | undefined> {
    if (older.length === 0) return undefined;
    let summary: string;
    if (this.deps.model.info.kind === 'claude') {
      const written = await modelSummary(this.deps.model, older, input, instructions);
      this.deps.onUsage?.(written.usage);
      summary = written.summary;
    } else summary = extractiveSummary(older);
    if (summary === '') throw new Error('the model wrote an empty summary; the conversation is unchanged');
    const history = compactedHistory(summary, kept);
    this.deps.conversation.replace(history);
    return this.done({ how: 'local-summary', tokensBefore: before, tokensAfter: this.estimate(input, history), summary });
  }
}
