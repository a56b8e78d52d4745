/**
 * How much a model takes and gives: its context window, its largest `max_tokens`, and whether the
 * API manages its context itself (server-side compaction `compact_20260112`, tool-result clearing
 * `clear_tool_uses_20250919`). The Models API says so for the model in use (`models.retrieve`:
 * `max_input_tokens`, `max_tokens`, `capabilities.context_management`); offline, or when a proxy
 * has no Models API, the built-in table below answers, conservatively for models it does not know.
 *
 * Not responsible for: what Warden does with the limits (agent/core/context/).
 */

export interface ModelLimits {
  /** Input tokens the model accepts (its context window). */
  contextWindow: number;
  /** The largest `max_tokens` it accepts. */
  maxOutputTokens: number;
  /** The API compacts the context itself (context management `compact_20260112`). */
  serverCompaction: boolean;
  /** The API clears old tool results itself (context management `clear_tool_uses_20250919`). */
  clearToolUses: boolean;
  /** Where these came from, for /cost and the docs. */
  source: 'models-api' | 'built-in table' | 'demo';
}

interface TableEntry {
  /** Model ids that start with this (dated snapshots included). */
  prefix: string;
  window: number;
  maxOutput: number;
  contextManagement: boolean;
}

const K = 1000;
const M = 1_000_000;

/**
 * Known models, most specific first (read from Anthropic's model pages, December 2026). Older
 * models whose 1M window needs a beta header are listed at their standard window.
 */
const TABLE: readonly TableEntry[] = [
  { prefix: 'claude-fable-5', window: M, maxOutput: 128 * K, contextManagement: true },
  { prefix: 'claude-mythos-5', window: M, maxOutput: 128 * K, contextManagement: true },
  { prefix: 'claude-opus-5', window: M, maxOutput: 128 * K, contextManagement: true },
  { prefix: 'claude-sonnet-5', window: M, maxOutput: 128 * K, contextManagement: true },
  { prefix: 'claude-haiku-5', window: M, maxOutput: 128 * K, contextManagement: true },
  { prefix: 'claude-opus-4-8', window: 200 * K, maxOutput: 64 * K, contextManagement: true },
  { prefix: 'claude-opus-4-7', window: 200 * K, maxOutput: 64 * K, contextManagement: true },
  { prefix: 'claude-opus-4-6', window: 200 * K, maxOutput: 64 * K, contextManagement: true },
  { prefix: 'claude-sonnet-4-6', window: 200 * K, maxOutput: 64 * K, contextManagement: true },
  { prefix: 'claude-opus-4-5', window: 200 * K, maxOutput: 64 * K, contextManagement: false },
  { prefix: 'claude-sonnet-4-5', window: 200 * K, maxOutput: 64 * K, contextManagement: false },
  { prefix: 'claude-haiku-4-5', window: 200 * K, maxOutput: 64 * K, contextManagement: false },
  { prefix: 'claude-opus-4-1', window: 200 * K, maxOutput: 32 * K, contextManagement: false },
  { prefix: 'claude-opus-4', window: 200 * K, maxOutput: 32 * K, contextManagement: false },
  { prefix: 'claude-sonnet-4', window: 200 * K, maxOutput: 64 * K, contextManagement: false },
];

/** A model the table does not know: the smallest window and output of the current lines. */
const UNKNOWN: Omit<TableEntry, 'prefix'> = { window: 200 * K, maxOutput: 32 * K, contextManagement: false };

/** The demo model has no tokens of its own; its "window" only decides when it compacts (by estimate). */
export const DEMO_LIMITS: ModelLimits = { contextWindow: 200 * K, maxOutputTokens: 32 * K, serverCompaction: false, clearToolUses: false, source: 'demo' };

export function tableLimits(model: string): ModelLimits {
  const entry = TABLE.find((e) => model === e.prefix || model.startsWith(`${e.prefix}-`)) ?? UNKNOWN;
  return {
    contextWindow: entry.window,
    maxOutputTokens: entry.maxOutput,
    serverCompaction: entry.contextManagement,
    clearToolUses: entry.contextManagement,
    source: 'built-in table',
  };
}

/** What the Models API says about a model (the fields Warden reads), over the table's answer where it is silent. */
export interface ModelsApiInfo {
  max_input_tokens?: number | null;
  max_tokens?: number | null;
  capabilities?: {
    context_management?: {
      supported?: boolean;
      compact_20260112?: { supported?: boolean } | null;
      clear_tool_uses_20250919?: { supported?: boolean } | null;
    } | null;
  } | null;
}

export function limitsFromModelsApi(model: string, info: ModelsApiInfo): ModelLimits {
  const table = tableLimits(model);
  const cm = info.capabilities?.context_management;
  return {
    contextWindow: info.max_input_tokens ?? table.contextWindow,
    maxOutputTokens: info.max_tokens ?? table.maxOutputTokens,
    serverCompaction: cm ? cm.supported === true && cm.compact_20260112?.supported === true : table.serverCompaction,
    clearToolUses: cm ? cm.supported === true && cm.clear_tool_uses_20250919?.supported === true : table.clearToolUses,
    source: 'models-api',
  };
}
