import type { ModelInfo, TurnUsage } from '../engine-types.js';

/**
 * The conversation as the model loop keeps it. The shapes are the Messages API's own
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

export interface ToolResultBlock {
  type: 'tool_result';
  tool_use_id: string;
  content: string;
  is_error?: boolean;
}

export type ContentBlock = TextBlock | ToolUseBlock | ToolResultBlock;

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
  signal: AbortSignal;
  /** Assistant text as it streams. */
  onText: (delta: string) => void;
  /** Something the user should know that is not assistant text (e.g. a retry after a rate limit). */
  onNotice: (message: string) => void;
}

export interface ModelResponse {
  /** The assistant message: text and tool_use blocks, in order. */
  content: Array<TextBlock | ToolUseBlock>;
  /** 'tool_use' asks the loop to run the tool_use blocks and call again. */
  stopReason: 'end_turn' | 'tool_use' | 'max_tokens' | 'other';
  usage: TurnUsage;
}

/** One model behind the loop: Claude, or the offline demo model. */
export interface ChatModel {
  readonly info: ModelInfo;
  /** Throws ModelError (one clear line) when the model cannot answer, ModelCancelledError when `signal` aborted. */
  respond(request: ModelRequest): Promise<ModelResponse>;
}

/** The model could not answer; `message` is one line meant for the user. */
export class ModelError extends Error {
  override readonly name = 'ModelError';
}

export class ModelCancelledError extends Error {
  override readonly name = 'ModelCancelledError';
  constructor() {
    super('cancelled');
  }
}
