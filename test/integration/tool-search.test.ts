import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAgentConfig } from '../../agent/config.js';
import { createAgentEngine } from '../../agent/core/engine.js';
import type { AgentEngine } from '../../agent/core/engine-types.js';
import { startFakeAnthropic, text, toolResults, type FakeAnthropic } from '../helpers/anthropic-server.js';

/** 250 tools from one server: past the threshold the model gets them through the Messages API's tool search. */
const MANY = fileURLToPath(new URL('../fixtures/stdio/many-tools-server.mjs', import.meta.url));

describe('many tools: tool search instead of every definition', () => {
  let claude: FakeAnthropic;
  const engines: AgentEngine[] = [];

  const engineWith = async (threshold: string): Promise<AgentEngine> => {
    const config = loadAgentConfig({ ANTHROPIC_API_KEY: 'sk-ant-test', ANTHROPIC_BASE_URL: claude.url, WARDEN_TOOL_SEARCH_THRESHOLD: threshold }, { noAuth: true });
    config.servers = [{ name: 'many', source: { kind: 'flag', file: 'test.json' }, type: 'stdio', command: process.execPath, args: [MANY], env: {} }];
    const engine = createAgentEngine(config, { logDir: mkdtempSync(join(tmpdir(), 'warden-many-logs-')) });
    engines.push(engine);
    await engine.start();
    return engine;
  };

  beforeAll(async () => {
    claude = await startFakeAnthropic();
  });
  afterAll(async () => {
    await Promise.all(engines.map((e) => e.close()));
    await claude.close();
  });

  it('defers every definition and adds the search tool; the search blocks go back unchanged with the found tool called', async () => {
    const engine = await engineWith('50');
    claude.enqueue(
      () => ({
        kind: 'stream',
        content: [
          { type: 'server_tool_use', id: 'srvtoolu_1', name: 'tool_search_tool_bm25', input: { query: 'record 7' } },
          { type: 'tool_search_tool_result', tool_use_id: 'srvtoolu_1', tool_names: ['many__tool_7'] },
          { type: 'tool_use', id: 'toolu_7', name: 'many__tool_7', input: { id: 'r-7' } },
        ],
        stopReason: 'tool_use',
      }),
      text('Record 7 found.'),
    );
    const result = await engine.runTurn('look up record 7');
    expect(result).toMatchObject({ stopReason: 'end_turn', text: 'Record 7 found.' });
    const [first, second] = claude.requests.slice(-2);
    const tools = first?.body.tools ?? [];
    expect(tools).toHaveLength(251);
    expect(tools.slice(0, 250).every((t) => t.defer_loading === true)).toBe(true);
    // The last tool carries the prompt cache's first breakpoint.
    expect(tools.at(-1)).toEqual({ type: 'tool_search_tool_bm25_20251119', name: 'tool_search_tool_bm25', cache_control: { type: 'ephemeral' } });
    const assistant = second?.body.messages.at(-2);
    expect(assistant?.content).toEqual([
      expect.objectContaining({ type: 'server_tool_use', id: 'srvtoolu_1', name: 'tool_search_tool_bm25', input: { query: 'record 7' } }),
      expect.objectContaining({
        type: 'tool_search_tool_result',
        tool_use_id: 'srvtoolu_1',
        content: { type: 'tool_search_tool_search_result', tool_references: [{ type: 'tool_reference', tool_name: 'many__tool_7' }] },
      }),
      expect.objectContaining({ type: 'tool_use', id: 'toolu_7', name: 'many__tool_7' }),
    ]);
    expect(toolResults(second!)[0]).toMatchObject({ tool_use_id: 'toolu_7', content: 'tool_7 looked up r-7' });
  });

  it('under the threshold every definition is sent as before', async () => {
    const engine = await engineWith('1000');
    claude.enqueue(text('hi'));
    await engine.runTurn('hello');
    const tools = claude.requests.at(-1)?.body.tools ?? [];
    expect(tools).toHaveLength(250);
    expect(tools.some((t) => t.defer_loading !== undefined || t.type !== undefined)).toBe(false);
  });
});
