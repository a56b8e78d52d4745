/**
 * One tool result larger than the limit (default about 25,000 tokens, as other hosts cap MCP
 * results) is cut before the model sees it, with a note saying how much was cut — never silently.
 * Text is kept from the start; images past the budget are left out and named.
 *
 * Not responsible for: what the user sees (the pane shows the result as the registry keeps it).
 */
import type { ToolResultBlock } from '../model/types.js';
import { CHARS_PER_TOKEN, IMAGE_TOKENS, textTokens } from './estimate.js';

export interface LimitedResult {
  content: ToolResultBlock['content'];
  /** Set when something was cut: the result's estimated size and what was kept. */
  cut?: { tokens: number; keptTokens: number };
}

const note = (tokens: number, kept: number, chars: number): string =>
  `\n\n[Warden cut this tool result for you: it was about ${tokens.toLocaleString('en-US')} tokens (${chars.toLocaleString('en-US')} characters); only the first ${kept.toLocaleString('en-US')} or so are above. Ask the tool for less (a narrower query, a page) if you need the rest.]`;

export function limitToolResult(content: ToolResultBlock['content'], maxTokens: number): LimitedResult {
  if (typeof content === 'string') {
    const tokens = textTokens(content);
    if (tokens <= maxTokens) return { content };
    return { content: content.slice(0, maxTokens * CHARS_PER_TOKEN) + note(tokens, maxTokens, content.length), cut: { tokens, keptTokens: maxTokens } };
  }
  const tokens = content.reduce((n, b) => n + (b.type === 'image' ? IMAGE_TOKENS : textTokens(b.text)), 0);
  if (tokens <= maxTokens) return { content };
  let budget = maxTokens;
  let chars = 0;
  let droppedImages = 0;
  const kept: typeof content = [];
  for (const block of content) {
    if (block.type === 'image') {
      if (budget >= IMAGE_TOKENS) {
        kept.push(block);
        budget -= IMAGE_TOKENS;
      } else droppedImages++;
      continue;
    }
    chars += block.text.length;
    if (budget <= 0) continue;
    const text = block.text.slice(0, budget * CHARS_PER_TOKEN);
    budget -= textTokens(text);
    kept.push({ type: 'text', text });
  }
  const images = droppedImages > 0 ? ` ${droppedImages} image${droppedImages === 1 ? ' was' : 's were'} left out.` : '';
  kept.push({
    type: 'text',
    text: note(tokens, maxTokens - budget, chars)
      .trim()
      .replace(/\]$/, `${images}]`),
  });
  return { content: kept, cut: { tokens, keptTokens: maxTokens - budget } };
}
