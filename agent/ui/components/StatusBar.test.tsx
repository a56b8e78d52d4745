import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import type { SessionStatus } from '../../core/engine-types.js';
import { baseStatus } from '../testing/fake-engine.js';
import { withProviders } from '../testing/render.js';
import { StatusBar } from './StatusBar.js';
import { DEMO_MODEL_TEXT, fitStatusItems, keyHints, statusItems } from './statusItems.js';
import { dirty, FORGED_LINE, TERMINAL_CONTROL } from '../../../test/helpers/hostile-text.js';

afterEach(() => cleanup());

const NOW = 1_000_000;
const texts = (patch: Partial<SessionStatus>): string[] => statusItems({ ...baseStatus, ...patch }, NOW).map((i) => i.text);

describe('status items', () => {
  it('shows the server and its connection state', () => {
    expect(texts({})[0]).toBe('● http://127.0.0.1:8000/mcp connected · 3 tools');
    expect(texts({ connection: { state: 'connecting' } })[0]).toBe('◌ http://127.0.0.1:8000/mcp connecting…');
    expect(texts({ connection: { state: 'unreachable', error: 'ECONNREFUSED' } })[0]).toBe('✗ http://127.0.0.1:8000/mcp unreachable: ECONNREFUSED');
    expect(texts({ connection: { state: 'sign-in-needed', reason: '401' } })[0]).toBe('! http://127.0.0.1:8000/mcp sign-in needed');
  });

  it('with several servers, sums them up: how many are up and how many tools they offer', () => {
    const server = baseStatus.servers[0]!;
    const up = { ...server, name: 'a' };
    const down = { ...server, name: 'b', connection: { state: 'failed' as const, error: 'refused' } };
    const connecting = { ...server, name: 'c', connection: { state: 'connecting' as const, attempt: 1 } };
    expect(texts({ servers: [up, { ...up, name: 'b' }, { ...up, name: 'c' }], connection: { state: 'connected', toolCount: 41 } })[0]).toBe('● 3/3 servers · 41 tools');
    expect(texts({ servers: [up, { ...up, name: 'b' }, { ...up, name: 'c' }, down], connection: { state: 'connected', toolCount: 41 } })[0]).toBe('◐ 3/4 servers · 41 tools');
    expect(texts({ servers: [connecting, { ...connecting, name: 'd' }], connection: { state: 'connecting' } })[0]).toBe('◌ 0/2 servers · connecting…');
    expect(texts({ servers: [down, { ...down, name: 'e' }], connection: { state: 'unreachable', error: 'x' } })[0]).toBe('✗ 0/2 servers · 0 tools');
  });

  it('shows the account and token expiry, or no auth', () => {
    expect(texts({})[1]).toBe('dev@warden.example · token expires in 52m');
    expect(texts({ auth: { state: 'disabled' } })[1]).toBe('no auth');
    expect(texts({ auth: { state: 'signed-out' } })[1]).toBe('signed out');
    expect(texts({ auth: { state: 'signing-in' } })[1]).toBe('signing in…');
    expect(texts({ auth: { state: 'error', error: 'cache unreadable' } })[1]).toBe('auth error: cache unreadable');
    expect(texts({ auth: { state: 'signed-in', account: 'a@b', expiresAt: NOW - 1 } })[1]).toBe('a@b · token expired');
  });

  it('names the model: Claude model id, or the demo model with how to get Claude', () => {
    expect(texts({})[2]).toBe(DEMO_MODEL_TEXT);
    expect(DEMO_MODEL_TEXT).toBe('demo model — set ANTHROPIC_API_KEY for Claude');
    expect(texts({ model: { kind: 'claude', model: 'claude-sonnet-4-5' } })[2]).toBe('claude-sonnet-4-5');
  });

  it('shows the context used and the cost so far (with Claude, once a request was made), as a warning near the window', () => {
    const claude = { model: { kind: 'claude' as const, model: 'claude-sonnet-5-5' } };
    expect(texts(claude)).toHaveLength(3);
    const items = statusItems({ ...baseStatus, ...claude, usage: { contextTokens: 45_200, contextWindow: 1_000_000, costUsd: 0.4213 } }, NOW);
    expect(items.map((i) => i.id)).toEqual(['server', 'auth', 'usage', 'model']);
    expect(items[2]).toEqual({ id: 'usage', text: 'context 45k/1M (5%) · $0.42', short: '5% · $0.42', tone: 'plain' });
    const full = statusItems({ ...baseStatus, ...claude, usage: { contextTokens: 150_000, contextWindow: 200_000 } }, NOW)[2];
    expect(full).toMatchObject({ text: 'context 150k/200k (75%)', tone: 'warn' });
    // The demo model keeps its hint; it has no tokens to count.
    expect(texts({ usage: { contextTokens: 10, contextWindow: 200_000, costUsd: 0 } })).toHaveLength(3);
  });

  it('hints the keys that work now', () => {
    expect(keyHints('idle')).toBe('Enter send · ↑↓ history · /help · Ctrl-C ×2 exit');
    expect(keyHints('calls')).toBe('Tab/↑↓ focus · Esc cancel call · Ctrl-C cancel turn');
    expect(keyHints('turn')).toBe('Ctrl-C cancel turn');
    expect(keyHints('question')).toBe('Tab next question · Esc deny · Ctrl-C cancel turn');
    expect(keyHints('question', { question: 'elicitation' })).toBe('Tab next question · Esc cancel · Ctrl-C cancel turn');
    expect(keyHints('question', { question: 'sampling' })).toBe('Tab next question · Esc refuse · Ctrl-C cancel turn');
    expect(keyHints('login', { canOpenBrowser: true })).toBe('o open browser · Esc cancel sign-in · Ctrl-C ×2 exit');
    expect(keyHints('login')).toBe('Esc cancel sign-in · Ctrl-C ×2 exit');
  });

  it('fits the items to one row: the least important switch to short forms, then drop out', () => {
    const items = statusItems(baseStatus, NOW);
    const fitted = (columns: number) => fitStatusItems(items, columns).map((i) => i.text);
    expect(fitted(200)).toEqual(['● http://127.0.0.1:8000/mcp connected · 3 tools', 'dev@warden.example · token expires in 52m', DEMO_MODEL_TEXT]);
    expect(fitted(120)).toEqual(['● http://127.0.0.1:8000/mcp connected · 3 tools', 'dev@warden.example · token expires in 52m', 'demo model']);
    expect(fitted(80)).toEqual(['● 127.0.0.1:8000 · 3 tools', 'dev@warden.example · 52m', 'demo model']);
    expect(fitted(40)).toEqual(['● 127.0.0.1:8000 · 3 tools']);
  });
});

describe('StatusBar', () => {
  const bar = (props: Partial<Parameters<typeof StatusBar>[0]> = {}) =>
    render(withProviders(<StatusBar status={baseStatus} now={NOW} mode="idle" canOpenBrowser={false} exitArmed={false} columns={200} {...props} />));

  it('puts the items on one line when wide and wraps them at 80 columns', () => {
    const wide = bar().lastFrame() ?? '';
    expect(wide.split('\n')[0]).toContain('connected · 3 tools');
    expect(wide.split('\n')[0]).toContain('token expires in 52m');
    expect(wide).toContain('Enter send');
  });

  it('asks for a second Ctrl-C when armed', () => {
    expect(bar({ exitArmed: true }).lastFrame()).toContain('Press Ctrl-C again to exit');
  });

  it('shows server errors and account names as terminal-safe text', () => {
    const status: SessionStatus = {
      ...baseStatus,
      connection: { state: 'unreachable', error: `${dirty('refused')}\r${FORGED_LINE}` },
      auth: { state: 'signed-in', account: dirty('mallory@evil.example'), expiresAt: NOW + 3_600_000 },
    };
    const frame = bar({ status }).lastFrame() ?? '';
    expect(frame).not.toMatch(TERMINAL_CONTROL);
    expect(frame).toContain(`unreachable: refused ${FORGED_LINE}`);
    expect(frame).toContain('mallory@evil.example · token expires in 60m');
  });
});
