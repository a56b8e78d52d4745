/**
 * Warden's own compaction, for models without the API's: what to summarize (everything before the
 * turn in progress), how (the model writes the summary; the offline demo model gets an extract of
 * prompts, calls and answers), and the history that replaces it. Also clearing old large tool
 * results, the cheaper step tried first.
 *
 * Not responsible for: deciding when (context-manager.ts), the server-side compaction (the API).
 */
import type { ChatMessage, ChatModel, ContentBlock, ModelRequest, ToolResultBlock } from '../model/types.js';
import { toolResultText } from '../model/types.js';
import { blockTokens } from './estimate.js';

export const SUMMARY_PROMPT =
  'Summarize the conversation so far so that it can go on from your summary alone: what the user wants and asked for, ' +
  'decisions made, what each tool call found (keep exact names, identifiers, numbers and short quotes that matter), ' +
  'open questions, and what was about to happen next. Write compact notes, at most about 1,500 words. Do not call tools.';

export const SUMMARY_HEADER = 'This conversation was compacted by Warden. Summary of everything before this point:';

/** Tool results kept as they are: those of the last few tool uses. */
const KEEP_RECENT_RESULTS = 3;
/** Results smaller than this are not worth clearing. */
const CLEARABLE_TOKENS = 500;

const cleared = (tokens: number): string =>
  `[Cleared by Warden to save context: this tool result was about ${tokens.toLocaleString('en-US')} tokens. Call the tool again if you need it.]`;

/** The history with old large tool results replaced by a short note; how many and how much. */
export function clearOldToolResults(messages: readonly ChatMessage[]): { messages: ChatMessage[]; count: number; tokens: number } {
  const results = messages.flatMap((m, i) => m.content.flatMap((b, j) => (b.type === 'tool_result' ? [{ i, j }] : [])));
  const keep = new Set(results.slice(-KEEP_RECENT_RESULTS).map(({ i, j }) => `${i}:${j}`));
  let count = 0;
  let tokens = 0;
  const out = messages.map((m, i) => ({
    role: m.role,
    content: m.content.map((b, j): ContentBlock => {
      if (b.type !== 'tool_result' || keep.has(`${i}:${j}`)) return b;
      const size = blockTokens(b);
      if (size < CLEARABLE_TOKENS || (typeof b.content === 'string' && b.content.startsWith('[Cleared by Warden'))) return b;
      count++;
      tokens += size;
      return { type: 'tool_result', tool_use_id: b.tool_use_id, content: cleared(size), ...(b.is_error && { is_error: true }) };
    }),
  }));
  return { messages: out, count, tokens };
}

/** Where the turn in progress starts: the last user message that carries a prompt (not only tool results). */
function turnStart(messages: readonly ChatMessage[]): number {
  return messages.findLastIndex((m) => m.role === 'user' && m.content.some((b) => b.type !== 'tool_result'));
}

/**
 * What to summarize and what to keep as it is: everything before the turn in progress is
 * summarized. When that turn is all there is, its last tool round is kept and the rest summarized.
 */
export function splitForSummary(messages: readonly ChatMessage[]): { older: ChatMessage[]; kept: ChatMessage[] } {
  let split = turnStart(messages);
  if (split <= 0) {
    // One long turn: keep its last tool_use and results (an assistant message and the user one after it).
    const lastUse = messages.findLastIndex((m) => m.role === 'assistant' && m.content.some((b) => b.type === 'tool_use'));
    split = lastUse > 0 ? lastUse : messages.length;
  }
  return { older: messages.slice(0, split), kept: messages.slice(split) };
}

/** The history after a local compaction: the summary first (joined to the kept part's first user message). */
export function compactedHistory(summary: string, kept: readonly ChatMessage[]): ChatMessage[] {
  const block: ContentBlock = { type: 'text', text: `${SUMMARY_HEADER}\n\n${summary}` };
  const [first, ...rest] = kept;
  if (first?.role === 'user') return [{ role: 'user', content: [block, ...first.content] }, ...rest.map((m) => ({ role: m.role, content: [...m.content] }))];
  return [{ role: 'user', content: [block] }, ...kept.map((m) => ({ role: m.role, content: [...m.content] }))];
}

/** The model writes the summary: the same tools go along (so the prompt cache matches), none may be called. */
export async function modelSummary(
  model: ChatModel,
  older: readonly ChatMessage[],
  request: Pick<ModelRequest, 'tools' | 'systemNote' | 'signal' | 'onNotice'>,
  instructions?: string,
) {
  const ask: ContentBlock = { type: 'text', text: instructions ? `${SUMMARY_PROMPT}\n\nThe user's instructions for this summary: ${instructions}` : SUMMARY_PROMPT };
  const last = older.at(-1);
  const messages: ChatMessage[] = last?.role === 'user' ? [...older.slice(0, -1), { role: 'user', content: [...last.content, ask] }] : [...older, { role: 'user', content: [ask] }];
  const response = await model.respond({ ...request, messages, toolChoice: 'none', maxTokens: 8192, onText: () => undefined });
  const text = response.content
    .flatMap((b) => (b.type === 'text' ? [b.text] : []))
    .join('')
    .trim();
  return { summary: text, usage: response.usage };
}

const clip = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max)}…` : text);

/** The offline demo model cannot summarize: an extract of prompts, calls and answers stands in (the most recent last). */
export function extractiveSummary(messages: readonly ChatMessage[], maxChars = 6000): string {
  const names = new Map<string, string>();
  const lines: string[] = [];
  for (const message of messages) {
    for (const block of message.content) {
      if (block.type === 'text' && !block.text.startsWith(SUMMARY_HEADER)) lines.push(`${message.role === 'user' ? 'User' : 'Assistant'}: ${clip(block.text.trim(), 300)}`);
      else if (block.type === 'text') lines.push(clip(block.text.slice(SUMMARY_HEADER.length).trim(), 2000));
      else if (block.type === 'tool_use') names.set(block.id, `${block.name}(${clip(JSON.stringify(block.input), 120)})`);
      else if (block.type === 'tool_result')
        lines.push(`Tool ${names.get(block.tool_use_id) ?? block.tool_use_id} → ${clip(toolResultText(block as ToolResultBlock).trim(), 160)}`);
      else if (block.type === 'compaction' && block.content) lines.push(clip(block.content, 2000));
    }
  }
  // The most recent lines matter most: older ones give way first.
  const kept: string[] = [];
  let size = 0;
  for (const line of lines.reverse()) {
    if (size + line.length > maxChars) break;
    kept.unshift(line);
    size += line.length + 1;
  }
  return kept.length < lines.length ? `(${lines.length - kept.length} earlier lines left out)\n${kept.join('\n')}` : kept.join('\n');
}
