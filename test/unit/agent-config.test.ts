import { describe, expect, it } from 'vitest';
import { DEFAULT_MODEL, loadAgentConfig } from '../../agent/config.js';
import { ConfigError } from '../../config/errors.js';

describe('loadAgentConfig', () => {
  it('defaults: local server, demo model (no key), 10 rounds, auth on', () => {
    expect(loadAgentConfig({})).toEqual({
      serverUrl: 'http://127.0.0.1:8000/mcp',
      noAuth: false,
      maxTurns: 10,
      context: { compactAtPercent: 80 },
      toolResultMaxTokens: 25_000,
    });
  });

  it('ANTHROPIC_API_KEY selects Claude; flags override the environment', () => {
    const config = loadAgentConfig(
      { ANTHROPIC_API_KEY: 'sk-ant-x', ANTHROPIC_BASE_URL: 'http://127.0.0.1:9/', ANTHROPIC_MODEL: 'claude-opus-5', MCP_SERVER_URL: 'http://a.example/mcp', WARDEN_MAX_TURNS: '4' },
      { model: 'claude-haiku-4-5', server: 'https://mcp.example.com/mcp', noAuth: true },
    );
    expect(config).toEqual({
      serverUrl: 'https://mcp.example.com/mcp',
      serverUrlVia: 'flag',
      noAuth: true,
      anthropic: { apiKey: 'sk-ant-x', baseURL: 'http://127.0.0.1:9/', model: 'claude-haiku-4-5' },
      maxTurns: 4,
      context: { compactAtPercent: 80 },
      toolResultMaxTokens: 25_000,
    });
    expect(loadAgentConfig({ ANTHROPIC_API_KEY: 'k' }).anthropic?.model).toBe(DEFAULT_MODEL);
  });

  it('the context: window, compaction point, longest reply, largest tool result', () => {
    const config = loadAgentConfig({
      ANTHROPIC_API_KEY: 'k',
      WARDEN_CONTEXT_WINDOW: '50000',
      WARDEN_AUTO_COMPACT: '70',
      WARDEN_MAX_TOKENS: '8000',
      WARDEN_TOOL_RESULT_MAX_TOKENS: '1000',
      WARDEN_PROMPT_CACHE: '1h',
    });
    expect(config.context).toEqual({ window: 50000, compactAtPercent: 70, maxTokens: 8000 });
    expect(config.toolResultMaxTokens).toBe(1000);
    expect(config.anthropic).toMatchObject({ maxTokens: 8000, cacheTtl: '1h' });
    expect(loadAgentConfig({ WARDEN_AUTO_COMPACT: 'off' }).context).toEqual({});
  });

  it('an empty ANTHROPIC_API_KEY (a bare `.env` line) means the demo model', () => {
    expect(loadAgentConfig({ ANTHROPIC_API_KEY: '' }).anthropic).toBeUndefined();
  });

  it.each([
    [{ MCP_SERVER_URL: 'localhost:8000' }, {}, /^invalid MCP_SERVER_URL: /],
    [{ WARDEN_MAX_TURNS: 'lots' }, {}, /^invalid WARDEN_MAX_TURNS: /],
    [{ WARDEN_CONTEXT_WINDOW: '500' }, {}, /^invalid WARDEN_CONTEXT_WINDOW: expected at least 1000/],
    [{ WARDEN_AUTO_COMPACT: '5' }, {}, /^invalid WARDEN_AUTO_COMPACT: expected at least 10/],
    [{ WARDEN_AUTO_COMPACT: 'sometimes' }, {}, /^invalid WARDEN_AUTO_COMPACT: expected a percent/],
    [{ WARDEN_PROMPT_CACHE: '10m' }, {}, /^invalid WARDEN_PROMPT_CACHE: expected 5m, 1h or off/],
    [{ ANTHROPIC_MODEL: 'claude sonnet' }, {}, /^invalid ANTHROPIC_MODEL: /],
    [{}, { server: 'ftp://x/mcp' }, /^invalid --server: /],
    [{}, { model: '' }, /^invalid --model: /],
  ])('names what is wrong: %j %j', (env, flags, message) => {
    expect(() => loadAgentConfig(env, flags)).toThrow(ConfigError);
    expect(() => loadAgentConfig(env, flags)).toThrow(message);
  });
});
