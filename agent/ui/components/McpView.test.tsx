import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import type { ServerStatus } from '../../core/engine-types.js';
import { withProviders } from '../testing/render.js';
import { McpView } from './McpView.js';

afterEach(() => cleanup());

const NOW = 1_000_000;
const servers: ServerStatus[] = [
  {
    name: 'warden',
    transport: 'http',
    target: 'http://127.0.0.1:8000/mcp',
    connection: { state: 'connected', protocolVersion: '2026-07-28', toolCount: 3 },
    auth: { state: 'signed-in', account: 'dev@warden.example', expiresAt: NOW + 60_000 },
    logs: [{ at: NOW, level: 'warning', logger: 'nws', text: 'slow upstream\u001b]0;owned\u0007' }],
  },
  { name: 'everything', transport: 'stdio', target: 'node …', connection: { state: 'connecting', attempt: 1 }, auth: { state: 'disabled' } },
  {
    name: 'down',
    transport: 'sse',
    target: 'http://127.0.0.1:9/sse?key=…',
    connection: { state: 'failed', error: 'cannot reach the MCP server at http://127.0.0.1:9/sse?key=… (connection refused)', retryAt: NOW + 4000 },
    auth: { state: 'disabled' },
  },
  {
    name: 'evil\u001b]0;owned\u0007',
    transport: 'http',
    target: 'http://x/mcp',
    connection: { state: 'sign-in-needed', reason: 'needs\u001b[2J sign-in' },
    auth: { state: 'signed-out' },
  },
];

describe('McpView (/mcp)', () => {
  it('shows each server: transport, target, state, protocol, tools, sign-in and the error; nothing a server sent can steer the terminal', () => {
    const frame = render(withProviders(<McpView servers={servers} now={NOW} width={100} />)).lastFrame() ?? '';
    const lines = frame.split('\n').map((l) => l.trimEnd());
    expect(lines[0]).toBe('4 MCP servers (1 connected)');
    expect(lines).toContain('● warden http · http://127.0.0.1:8000/mcp');
    expect(lines).toContain('  connected · protocol 2026-07-28 · 3 tools · signed in as dev@warden.example');
    // The server's latest log message at warning or above, terminal-safe.
    expect(lines).toContain('  warning nws: slow upstream');
    expect(lines).toContain('◌ everything stdio · node …');
    expect(lines).toContain('  connecting…');
    expect(lines).toContain('✗ down sse · http://127.0.0.1:9/sse?key=…');
    expect(lines).toContain('  failed · retry in 4.0s');
    expect(lines).toContain('  error: cannot reach the MCP server at http://127.0.0.1:9/sse?key=… (connection refused)');
    expect(lines).toContain('! evil http · http://x/mcp');
    expect(lines).toContain('  needs sign-in · signed out');
    expect(lines).toContain('  error: needs sign-in');
    expect(frame).not.toMatch(/\u001b\]|\u0007|\u001b\[2J/);
  });
});
