import { estimateTokens, promptBlocks, promptTokens, type PromptBody } from './prompt-cache.js';

/**
 * The Messages API's context management as a local stand-in applies it (beta `context_management`):
 * `clear_tool_uses_20250919` drops old tool results from what the model reads once the input passes
 * its trigger (keeping the last `keep` tool uses, and only when at least `clear_at_least` tokens go),
 * and `compact_20260112` summarizes the whole input into a compaction block once it passes its
 * trigger; the reply then starts with that block and the input it bills is what is left. A
 * `compaction` request (the beta parameter) is answered with the block alone.
 */

type Json = Record<string, unknown>;

export interface Edit {
  type: string;
  trigger?: { type: string; value: number };
  keep?: { type: string; value: number };
  clear_at_least?: { type: string; value: number };
}

export interface ManagedInput {
  /** Input tokens before any edit. */
  before: number;
  /** Input tokens the model read (after clearing and compaction). */
  inputTokens: number;
  cleared?: { cleared_tool_uses: number; cleared_input_tokens: number };
  /** The compaction block the reply starts with. */
  compaction?: { type: 'compaction'; content: string; encrypted_content: string };
}

/** The betas each edit needs, as the API checks them. */
export const BETA_FOR: Record<string, string> = {
  clear_tool_uses_20250919: 'context-management-2025-06-27',
  compact_20260112: 'compact-2026-01-12',
  compaction: 'compact-2026-09-04',
};

/** A compaction's summary: what the stand-in's "model" writes (the first words of each user prompt). */
export function summaryOf(body: PromptBody): string {
  const prompts = body.messages.flatMap((m) =>
    m.role === 'user' && Array.isArray(m.content) ? (m.content as Json[]).filter((b) => b.type === 'text').map((b) => String(b.text).slice(0, 40)) : [],
  );
  return `Summary of ${body.messages.length} messages. The user asked: ${prompts.join(' | ')}`;
}

function toolResultTokens(body: PromptBody): number[] {
  return body.messages.flatMap((m) =>
    Array.isArray(m.content) ? (m.content as Json[]).filter((b) => b.type === 'tool_result').map((b) => estimateTokens(JSON.stringify(b))) : [],
  );
}

export function applyContextManagement(body: PromptBody & { context_management?: { edits?: Edit[] } }): ManagedInput {
  const before = promptTokens(body);
  let inputTokens = before;
  const out: ManagedInput = { before, inputTokens };
  for (const edit of body.context_management?.edits ?? []) {
    const trigger = edit.trigger?.value ?? 100_000;
    if (inputTokens < trigger) continue;
    if (edit.type === 'clear_tool_uses_20250919') {
      const results = toolResultTokens(body);
      const clearable = results.slice(0, Math.max(0, results.length - (edit.keep?.value ?? 3)));
      const tokens = clearable.reduce((n, t) => n + t, 0);
      if (clearable.length > 0 && tokens >= (edit.clear_at_least?.value ?? 0)) {
        out.cleared = { cleared_tool_uses: clearable.length, cleared_input_tokens: tokens };
        inputTokens -= tokens;
      }
    } else if (edit.type === 'compact_20260112') {
      const summary = summaryOf(body);
      out.compaction = { type: 'compaction', content: summary, encrypted_content: `opaque-${before}` };
      const fixed = promptBlocks({ ...body, messages: [] }).reduce((n, b) => n + estimateTokens(b.text), 0);
      inputTokens = fixed + estimateTokens(JSON.stringify(out.compaction));
    }
  }
  out.inputTokens = inputTokens;
  return out;
}
