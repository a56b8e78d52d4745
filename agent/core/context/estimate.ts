/**
 * Token estimates where the API has not counted: four characters a token (about what Claude's
 * tokenizer averages over English and code) and a flat count per image. Good enough to decide
 * when to look closer; the context manager calibrates it against the API's own counts.
 *
 * Not responsible for: exact counts (the Messages API's `count_tokens`, usage of each reply).
 */
import type { ChatMessage, ContentBlock, ToolDefinition } from '../model/types.js';

export const CHARS_PER_TOKEN = 4;
/** An image of typical size (about 1,000 × 1,000 pixels: width × height / 750). */
export const IMAGE_TOKENS = 1600;

export function textTokens(text: string): number {
  return Math.ceil(text.length / CHARS_PER_TOKEN);
}

export function blockTokens(block: ContentBlock): number {
  if (block.type === 'tool_result' && typeof block.content !== 'string') {
    return 10 + block.content.reduce((n, b) => n + (b.type === 'image' ? IMAGE_TOKENS : textTokens(b.text)), 0);
  }
  // Images' base64 data is not text the model reads: its tokens depend on the picture's size.
  if ((block as { type: string }).type === 'image') return IMAGE_TOKENS;
  return textTokens(JSON.stringify(block));
}

export function messagesTokens(messages: readonly ChatMessage[]): number {
  return messages.reduce((n, m) => n + 4 + m.content.reduce((k, b) => k + blockTokens(b), 0), 0);
}

export function toolsTokens(tools: readonly ToolDefinition[]): number {
  return tools.reduce((n, t) => n + textTokens(JSON.stringify(t)), 0);
}
