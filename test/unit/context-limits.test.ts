import { describe, expect, it } from 'vitest';
import { clearOldToolResults, compactedHistory, extractiveSummary, SUMMARY_HEADER, splitForSummary } from '../../agent/core/context/summary.js';
import { limitToolResult } from '../../agent/core/context/tool-result-limit.js';
import { limitsFromModelsApi, tableLimits } from '../../agent/core/model/limits.js';
import type { ChatMessage } from '../../agent/core/model/types.js';

describe('model limits', () => {
  it('come from the built-in table offline: known models by id (dated snapshots too), unknown ones conservatively', () => {
    expect(tableLimits('claude-sonnet-5-5')).toMatchObject({ contextWindow: 1_000_000, maxOutputTokens: 128_000, serverCompaction: true, source: 'built-in table' });
    expect(tableLimits('claude-haiku-4-5-20251001')).toMatchObject({ contextWindow: 200_000, maxOutputTokens: 64_000, serverCompaction: false });
    expect(tableLimits('claude-sonnet-5')).toMatchObject({ contextWindow: 1_000_000 });
    expect(tableLimits('some-proxy-model')).toMatchObject({ contextWindow: 200_000, maxOutputTokens: 32_000, serverCompaction: false, clearToolUses: false });
  });

  it('the Models API wins where it answers: window, output limit and context management', () => {
    expect(
      limitsFromModelsApi('claude-sonnet-5-5', {
        max_input_tokens: 500_000,
        max_tokens: 64_000,
        capabilities: { context_management: { supported: true, compact_20260112: { supported: false }, clear_tool_uses_20250919: { supported: true } } },
      }),
    ).toEqual({ contextWindow: 500_000, maxOutputTokens: 64_000, serverCompaction: false, clearToolUses: true, source: 'models-api' });
    expect(limitsFromModelsApi('claude-haiku-4-5', { max_input_tokens: null, max_tokens: null })).toMatchObject({ contextWindow: 200_000, maxOutputTokens: 64_000 });
  });
});

describe('a tool result past the limit', () => {
  it('is cut with a note saying how much; a result under the limit is untouched', () => {
    expect(limitToolResult('short', 100)).toEqual({ content: 'short' });
    const { content, cut } = limitToolResult('x'.repeat(10_000), 1_000);
    expect(cut).toEqual({ tokens: 2_500, keptTokens: 1_000 });
    expect(String(content).startsWith('x'.repeat(4_000))).toBe(true);
    expect(String(content)).toContain('[Warden cut this tool result for you: it was about 2,500 tokens (10,000 characters); only the first 1,000 or so are above.');
  });

  it('keeps text blocks from the start and names the images left out', () => {
    const image = { type: 'image' as const, source: { type: 'base64' as const, media_type: 'image/png' as const, data: 'AAAA' } };
    const { content, cut } = limitToolResult([{ type: 'text', text: 'a'.repeat(8_000) }, image, image], 2_500);
    expect(cut?.tokens).toBe(2_000 + 3_200);
    expect(Array.isArray(content) && content.filter((b) => b.type === 'image')).toHaveLength(0);
    expect(JSON.stringify(content)).toContain('2 images were left out.');
  });
});

describe('local compaction', () => {
  const history: ChatMessage[] = [
    { role: 'user', content: [{ type: 'text', text: 'first question' }] },
    { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'files__read', input: { path: 'a' } }] },
    { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: 'A'.repeat(8_000) }] },
    { role: 'assistant', content: [{ type: 'text', text: 'first answer' }] },
    { role: 'user', content: [{ type: 'text', text: 'second question' }] },
    { role: 'assistant', content: [{ type: 'tool_use', id: 't2', name: 'files__read', input: { path: 'b' } }] },
    { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't2', content: 'B'.repeat(8_000) }] },
  ];

  it('summarizes what came before the turn in progress and keeps that turn; the summary goes first', () => {
    const { older, kept } = splitForSummary(history);
    expect(older).toEqual(history.slice(0, 4));
    expect(kept).toEqual(history.slice(4));
    const compacted = compactedHistory('notes', kept);
    expect(compacted.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(compacted[0]?.content).toEqual([
      { type: 'text', text: `${SUMMARY_HEADER}\n\nnotes` },
      { type: 'text', text: 'second question' },
    ]);
  });

  it('one long turn keeps its last tool round', () => {
    const { older, kept } = splitForSummary(history.slice(4));
    expect(older).toHaveLength(1);
    expect(kept.map((m) => m.role)).toEqual(['assistant', 'user']);
    expect(compactedHistory('notes', kept).map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
  });

  it('clears old large tool results, keeps the recent ones, never a pair apart', () => {
    const many: ChatMessage[] = [];
    for (let i = 0; i < 5; i++) {
      many.push({ role: 'assistant', content: [{ type: 'tool_use', id: `t${i}`, name: 'x', input: {} }] });
      many.push({ role: 'user', content: [{ type: 'tool_result', tool_use_id: `t${i}`, content: 'z'.repeat(4_000) }] });
    }
    const cleared = clearOldToolResults(many);
    expect(cleared.count).toBe(2);
    expect(cleared.messages[1]?.content[0]).toMatchObject({
      type: 'tool_result',
      tool_use_id: 't0',
      content: expect.stringMatching(/^\[Cleared by Warden to save context: this tool result was about 1,0\d\d tokens/),
    });
    expect(cleared.messages[9]).toEqual(many[9]);
    expect(clearOldToolResults(cleared.messages).count).toBe(0);
  });

  it('the demo model’s extract names prompts, calls and answers, the latest kept when it must be cut', () => {
    const extract = extractiveSummary(history);
    expect(extract).toContain('User: first question');
    expect(extract).toContain('Tool files__read({"path":"a"}) → AAAA');
    expect(extract).toContain('Assistant: first answer');
    expect(extractiveSummary(history, 80)).toMatch(/^\(\d+ earlier lines left out\)\n/);
  });
});
