/**
 * The model's contract, a leaf the engine's types build on (it imports nothing of the engine):
 * which model answers, what a turn costs, and the conversation as the model loop keeps it.
 */
import type { ModelLimits } from './limits.js';

export type ModelInfo =
  | { kind: 'claude'; model: string }
  /** The offline demo model (no ANTHROPIC_API_KEY). */
  | { kind: 'demo' };

/** Tokens as the API counts them. `inputTokens` is the uncached part of the input only. */
export interface TurnUsage {
  inputTokens: number;
  outputTokens: number;
  /** Input tokens written to the prompt cache (billed above the input price). */
  cacheCreationInputTokens?: number;
  /** The part of `cacheCreationInputTokens` written with a one-hour lifetime (billed higher still). */
  cacheCreation1hInputTokens?: number;
  /** Input tokens read from the prompt cache (billed at a fraction of it). */
  cacheReadInputTokens?: number;
}

/**
 * The conversation. The shapes are the Messages API's own
 * (a subset), so the Claude adapter sends them as they are and the demo model reads them.
 */
export interface TextBlock {
  type: 'text';
  text: string;
}

export interface ToolUseBlock {
  type: 'tool_use';
  id: string;
  name: string;
  input: Record<string, unknown>;
}

/** An image for the model (Messages API base64 source), e.g. from an MCP tool result. */
export interface ImageBlock {
  type: 'image';
  source: { type: 'base64'; media_type: 'image/png' | 'image/jpeg' | 'image/gif' | 'image/webp'; data: string };
}

export interface ToolResultBlock {
  type: 'tool_result';
  tool_use_id: string;
  /** Plain text, or text and image blocks (rich MCP results). */
  content: string | Array<TextBlock | ImageBlock>;
  is_error?: boolean;
  /** Warden's own flag, never sent to the API: the user cancelled the call (so there is no result). */
  cancelled?: true;
}

/** A tool result's text (images left out), for readers that only need the words. */
export function toolResultText(block: ToolResultBlock): string {
  return typeof block.content === 'string' ? block.content : block.content.flatMap((b) => (b.type === 'text' ? [b.text] : [])).join('\n');
}

/**
 * A block the API ran itself (tool search: `server_tool_use`, `tool_search_tool_result`): kept as
 * received and sent back unchanged, so the tools it found stay loaded in the next round.
 */
export interface ServerBlock {
  type: 'server_tool_use' | 'tool_search_tool_result';
  [key: string]: unknown;
}

/**
 * The API's server-side compaction (context management `compact_20260112`, or a `compaction`
 * request): a summary of everything before it, sent back verbatim in place of what it summarizes.
 * `content` is null when the compaction failed (the API treats such a block as a no-op).
 */
export interface CompactionBlock {
  type: 'compaction';
  content: string | null;
  [key: string]: unknown;
}

export type ContentBlock = TextBlock | ImageBlock | ToolUseBlock | ToolResultBlock | ServerBlock | CompactionBlock;

export interface ChatMessage {
  role: 'user' | 'assistant';
  content: ContentBlock[];
}

/** A tool as the model sees it (Anthropic's tool definition). */
export interface ToolDefinition {
  name: string;
  description: string;
  input_schema: { type: 'object'; [key: string]: unknown };
}

export interface ModelRequest {
  messages: readonly ChatMessage[];
  tools: readonly ToolDefinition[];
  /** Appended to the system prompt for this round, e.g. which MCP servers are unavailable. */
  systemNote?: string;
  /** A lower output limit than the model's own (a server's sampling request sets one, the context's room another). */
  maxTokens?: number;
  /** Let the API manage the context: compact at `compactAt` input tokens, clear old tool results past `clearAt`. */
  contextManagement?: { compactAt?: number; clearAt?: number };
  /** `none`: no tool call this time (a summary); the tools are still sent, so the prompt cache matches. */
  toolChoice?: 'none';
  signal: AbortSignal;
  /** Assistant text as it streams. */
  onText: (delta: string) => void;
  /** Something the user should know that is not assistant text (e.g. a retry after a rate limit). */
  onNotice: (message: string) => void;
}

export interface ModelResponse {
  /** The assistant message: text, tool_use (and the API's own tool search) blocks, in order. */
  content: Array<TextBlock | ToolUseBlock | ServerBlock | CompactionBlock>;
  /** 'tool_use' asks the loop to run the tool_use blocks and call again. */
  stopReason: 'end_turn' | 'tool_use' | 'max_tokens' | 'other';
  usage: TurnUsage;
  /** Old tool results the API cleared from this request's context (context management). */
  cleared?: { toolUses: number; inputTokens: number };
  /** What a compaction on the server cost, billed beside `usage` (which is the reply's alone). */
  compactionUsage?: TurnUsage;
}

/** A history to compact on the server (a `compaction` request), with instructions for the summary. */
export interface CompactRequest {
  messages: readonly ChatMessage[];
  tools: readonly ToolDefinition[];
  systemNote?: string;
  instructions?: string;
  signal: AbortSignal;
}

/** One model behind the loop: Claude, or the offline demo model. */
export interface ChatModel {
  readonly info: ModelInfo;
  /** Throws ModelError (one clear line) when the model cannot answer, ModelCancelledError when `signal` aborted. */
  respond(request: ModelRequest): Promise<ModelResponse>;
  /** Its context window and output limit (absent: the built-in table's, by model id). */
  limits?(signal?: AbortSignal): Promise<ModelLimits>;
  /** The input tokens this request would have, counted by the API (absent: estimated). */
  countTokens?(request: Pick<ModelRequest, 'messages' | 'tools' | 'systemNote' | 'signal'>): Promise<number>;
  /** Server-side compaction of the whole history: the reply holds only a compaction block. */
  compact?(request: CompactRequest): Promise<ModelResponse>;
}

/** The model's name as transcripts and traces give it: Claude's model id, or `demo`. */
export function modelName(model: Pick<ChatModel, 'info'>): string {
  return model.info.kind === 'claude' ? model.info.model : 'demo';
}

/**
 * Why a model could not answer: `failed` (anything; the message says what), `context-overflow`
 * (the request held more than the context window: the API's "prompt is too long"),
 * `context-management-rejected` (the API refused its own context management: a proxy or a model
 * without it; compact locally instead).
 */
export type ModelErrorKind = 'failed' | 'context-overflow' | 'context-management-rejected';

/** The model could not answer; `message` is one line meant for the user. */
export class ModelError extends Error {
  override readonly name = 'ModelError';
  constructor(
    message: string,
    readonly kind: ModelErrorKind = 'failed',
  ) {
    super(message);
  }
}

export class ModelCancelledError extends Error {
  override readonly name = 'ModelCancelledError';
  constructor() {
    super('cancelled');
  }
}
