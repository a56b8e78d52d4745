import { describe, expect, it } from 'vitest';
import { Conversation } from '../../agent/core/conversation.js';
import { buildToolCatalog, type ServerTool } from '../../agent/core/host/tool-names.js';
import { cachedLayout, SYSTEM_PROMPT, type CacheTtl } from '../../agent/core/model/request-body.js';
import type { ToolDefinition } from '../../agent/core/model/types.js';
import { PromptCache, PromptError } from '../helpers/prompt-cache.js';

const tools = (servers: string[], per = 25): ServerTool[] =>
  servers.flatMap((server) =>
    Array.from({ length: per }, (_, i) => ({
      server,
      name: `tool_${i}`,
      description: `Tool ${i} of ${server}: looks up record ${i} in the inventory and returns its fields (name, owner, location, last change) as text.`,
      inputSchema: { type: 'object', properties: { id: { type: 'string', description: 'The record id' } }, required: ['id'] },
    })),
  );

const marks = (value: unknown): number => (JSON.stringify(value).match(/"cache_control"/g) ?? []).length;

/** Drives `rounds` user turns of one tool call each, billing every request by the caching rules. */
function converse(options: {
  rounds: number;
  ttl: CacheTtl;
  definitions: ToolDefinition[] | ((round: number) => ToolDefinition[]);
  system?: (request: number) => string | undefined;
}) {
  const cache = new PromptCache();
  let requests = 0;
  const conversation = new Conversation();
  const perRound: Array<{ read: number; total: number }> = [];
  const bill = (round: number) => {
    const note = options.system?.(requests++);
    const definitions = typeof options.definitions === 'function' ? options.definitions(round) : options.definitions;
    const body = cachedLayout({ tools: definitions, messages: conversation.all, threshold: 50, ttl: options.ttl, ...(note && { systemNote: note }) });
    const usage = cache.usage(body);
    const row = perRound[round] ?? { read: 0, total: 0 };
    perRound[round] = { read: row.read + usage.cache_read_input_tokens, total: row.total + usage.input_tokens + usage.cache_read_input_tokens + usage.cache_creation_input_tokens };
  };
  for (let round = 0; round < options.rounds; round++) {
    conversation.addUser([{ type: 'text', text: `Question ${round}: what is in record ${round}?` }]);
    bill(round);
    conversation.addAssistant([{ type: 'tool_use', id: `toolu_${round}`, name: `alpha__tool_${round % 25}`, input: { id: String(round) } }]);
    conversation.addUser([{ type: 'tool_result', tool_use_id: `toolu_${round}`, content: `Record ${round}: `.padEnd(2000, 'x') }]);
    bill(round);
    conversation.addAssistant([{ type: 'text', text: `Record ${round} holds what you see.` }]);
  }
  return perRound.map((r) => r.read / r.total);
}

describe('the request laid out for the prompt cache', () => {
  const catalog = buildToolCatalog(tools(['alpha', 'beta']), { prefix: true });

  it('marks the last tool, the system prompt, the previous tail and this tail: four breakpoints, no more', () => {
    const conversation = new Conversation();
    conversation.addUser([{ type: 'text', text: 'first' }]);
    conversation.addAssistant([{ type: 'tool_use', id: 't1', name: 'alpha__tool_1', input: { id: '1' } }]);
    conversation.addUser([{ type: 'tool_result', tool_use_id: 't1', content: 'r1', cancelled: true }]);
    const body = cachedLayout({ tools: catalog.definitions, messages: conversation.all, threshold: 50, ttl: '5m', systemNote: 'Server beta is down.' });
    expect(marks(body)).toBe(4);
    expect(body.tools.at(-1)).toMatchObject({ name: 'beta__tool_9', cache_control: { type: 'ephemeral' } });
    expect(body.system).toEqual([
      { type: 'text', text: SYSTEM_PROMPT, cache_control: { type: 'ephemeral' } },
      { type: 'text', text: 'Server beta is down.' },
    ]);
    expect(body.messages[0]?.content).toEqual([{ type: 'text', text: 'first', cache_control: { type: 'ephemeral' } }]);
    // Warden's own `cancelled` flag is never sent.
    expect(body.messages[2]?.content).toEqual([{ type: 'tool_result', tool_use_id: 't1', content: 'r1', cache_control: { type: 'ephemeral' } }]);
    expect(marks(cachedLayout({ tools: catalog.definitions, messages: conversation.all, threshold: 50, ttl: 'off' }))).toBe(0);
    expect(JSON.stringify(cachedLayout({ tools: catalog.definitions, messages: conversation.all, threshold: 50, ttl: '1h' }).system)).toContain('"ttl":"1h"');
  });

  it('sends the same tools in the same order whichever server connected first, and a system prompt with no clock in it', () => {
    const forward = buildToolCatalog(tools(['alpha', 'beta']), { prefix: true });
    const backward = buildToolCatalog(tools(['beta', 'alpha']).reverse(), { prefix: true });
    const layout = (defs: ToolDefinition[]) => JSON.stringify(cachedLayout({ tools: defs, messages: [], threshold: 50, ttl: '5m' }).tools);
    expect(layout(backward.definitions)).toBe(layout(forward.definitions));
    expect(SYSTEM_PROMPT).not.toMatch(/\d{4}-\d{2}-\d{2}|\d{1,2}:\d{2}/);
  });

  it('keeps the history byte for byte: a later request starts with exactly what the earlier one sent (breakpoints aside)', () => {
    const conversation = new Conversation();
    conversation.addUser([{ type: 'text', text: 'one' }]);
    const first = cachedLayout({ tools: catalog.definitions, messages: conversation.all, threshold: 50, ttl: '5m' });
    conversation.addAssistant([{ type: 'text', text: 'two' }]);
    conversation.addUser([{ type: 'text', text: 'three' }]);
    const second = cachedLayout({ tools: catalog.definitions, messages: conversation.all, threshold: 50, ttl: '5m' });
    const strip = (value: unknown) => JSON.stringify(value).replace(/,"cache_control":\{"type":"ephemeral"\}/g, '');
    expect(strip(second.messages.slice(0, 1))).toBe(strip(first.messages));
    expect(strip(second.tools)).toBe(strip(first.tools));
  });

  it('serves ≥ 90 % of input tokens from the cache from round 3 on (50 tools, 2 requests a round)', () => {
    const shares = converse({ rounds: 10, ttl: '5m', definitions: catalog.definitions });
    expect(shares[0]).toBeLessThan(0.5);
    expect(Math.min(...shares.slice(2))).toBeGreaterThanOrEqual(0.9);
  });

  it('a changed tool list (list_changed) costs one round of cache writes, then reads resume', () => {
    const changed = buildToolCatalog(
      tools(['alpha', 'beta']).map((t) => (t.server === 'beta' && t.name === 'tool_3' ? { ...t, description: 'Tool 3 of beta, now with history.' } : t)),
      { prefix: true },
    );
    const shares = converse({ rounds: 10, ttl: '5m', definitions: (round) => (round < 5 ? catalog.definitions : changed.definitions) });
    expect(shares[4]).toBeGreaterThanOrEqual(0.9);
    expect(shares[5]).toBeLessThan(0.6);
    expect(Math.min(...shares.slice(6))).toBeGreaterThanOrEqual(0.9);
  });

  it('control: a system note that changes every request (a clock) reads only the tools and the system prompt back', () => {
    const shares = converse({ rounds: 10, ttl: '5m', definitions: catalog.definitions, system: (request) => `It is now 10:${String(request).padStart(2, '0')}.` });
    // Only the tools and the constant first system block are read back; the whole history is written again each time.
    expect(Math.max(...shares.slice(6))).toBeLessThan(0.6);
  });

  it('the stand-in refuses a fifth breakpoint, as the API does', () => {
    const body = cachedLayout({ tools: catalog.definitions, messages: [{ role: 'user', content: [{ type: 'text', text: 'x' }] }], threshold: 50, ttl: '5m' });
    const mark = { type: 'ephemeral' };
    const fifth = {
      ...body,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'y', cache_control: mark },
            { type: 'text', text: 'x', cache_control: mark },
          ],
        },
      ],
    };
    body.system.push({ type: 'text', text: 'z', cache_control: { type: 'ephemeral' } });
    expect(() => new PromptCache().usage(fifth)).toThrow(PromptError);
  });
});
