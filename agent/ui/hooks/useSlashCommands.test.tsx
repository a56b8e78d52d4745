import { cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { slashCommands } from '../commands/index.js';
import type { SessionStatus } from '../../core/engine-types.js';
import type { SlashCommand, SlashCommandContext } from '../commands/types.js';
import type { TranscriptEntry } from '../transcript.js';
import { FakeEngine } from '../testing/fake-engine.js';
import { renderHook } from '../testing/hook.js';
import { settle } from '../testing/render.js';
import { findCommand, isSlashCommand, suggestCommand, useSlashCommands } from './useSlashCommands.js';

afterEach(() => cleanup());

function setup(commands: readonly SlashCommand[] = slashCommands, status: Partial<SessionStatus> = {}) {
  const engine = new FakeEngine({ status });
  const entries: TranscriptEntry[] = [];
  const echoed: string[] = [];
  const context: SlashCommandContext = {
    engine,
    status: engine.getStatus(),
    now: 0,
    // The typed line is echoed like a prompt; the tests look at the rest.
    add: (...added) => {
      for (const entry of added) {
        if (entry.kind === 'user') echoed.push(entry.text);
        else entries.push(entry);
      }
    },
    commands,
    signIn: (server) => entries.push({ kind: 'info', text: server === undefined ? '(sign-in started)' : `(sign-in to ${server} started)` }),
    clearScreen: () => entries.push({ kind: 'info', text: '(screen cleared)' }),
    exit: () => entries.push({ kind: 'info', text: '(exit)' }),
  };
  const hook = renderHook(() => useSlashCommands(context), { engine });
  return { engine, entries, echoed, run: (line: string) => hook.current(line) };
}

describe('slash commands', () => {
  it('tells lines with a command from prompts', () => {
    expect(isSlashCommand('/tools')).toBe(true);
    expect(isSlashCommand('/help me')).toBe(true);
    expect(isSlashCommand('/etc/hosts is a file')).toBe(false);
    expect(isSlashCommand('reverse /x')).toBe(false);
  });

  it('finds commands by name or alias and suggests near misses', () => {
    expect(findCommand(slashCommands, 'QUIT')?.name).toBe('exit');
    expect(suggestCommand(slashCommands, 'tols')?.name).toBe('tools');
    expect(suggestCommand(slashCommands, 'st')?.name).toBe('status');
    expect(suggestCommand(slashCommands, 'xyzzy')).toBeUndefined();
  });

  it('answers an unknown command with a suggestion and a pointer to /help', async () => {
    const { entries, echoed, run } = setup();
    run('/tool');
    run('/frobnicate');
    await settle();
    expect(echoed).toEqual(['/tool', '/frobnicate']);
    expect(entries).toEqual([
      { kind: 'error', text: 'Unknown command /tool. Did you mean /tools? Type /help to see all commands.' },
      { kind: 'error', text: 'Unknown command /frobnicate. Type /help to see all commands.' },
    ]);
  });

  it('runs each command', async () => {
    const { engine, entries, run } = setup();
    for (const line of ['/help', '/tools', '/status', '/login', '/logout', '/clear', '/exit']) {
      run(line);
      await settle();
    }
    expect(entries.map((e) => (e.kind === 'info' ? e.text : e.kind))).toEqual([
      'help',
      'tools',
      'status',
      '(sign-in started)',
      'Signed out. Type /login to sign in again.',
      '(screen cleared)',
      'Conversation cleared.',
      '(exit)',
    ]);
    expect(engine.calls).toMatchObject({ signOut: 1, clearHistory: 1 });
    const help = entries[0];
    expect(help?.kind === 'help' && help.commands.map((c) => c.name)).toEqual(['help', 'tools', 'mcp', 'login', 'logout', 'status', 'clear', 'exit']);
  });

  it('/mcp lists the servers; /mcp reconnect NAME reconnects that one; a wrong name or usage says so', async () => {
    const { engine, entries, run } = setup();
    for (const line of ['/mcp', '/mcp reconnect server', '/mcp reconnect nope', '/mcp frobnicate', '/login server']) {
      run(line);
      await settle();
    }
    expect(entries[0]).toEqual({ kind: 'servers', servers: engine.getStatus().servers, now: 0 });
    expect(entries.slice(1).map((e) => (e.kind === 'servers' ? `servers:${e.servers.map((s) => s.name).join()}` : `${e.kind}:${'text' in e ? e.text : ''}`))).toEqual([
      'info:Reconnecting server…',
      'servers:server',
      'info:Reconnecting nope…',
      'error:Could not reconnect: no server named "nope" (see /mcp)',
      'error:Usage: /mcp, or /mcp reconnect NAME',
      'info:(sign-in to server started)',
    ]);
    expect(engine.reconnects).toEqual(['server']);
  });

  it('reports a failing command instead of crashing', async () => {
    const { engine, entries, run } = setup();
    engine.listTools = async () => {
      throw new Error('401 Unauthorized');
    };
    engine.tools = [];
    run('/tools');
    await settle();
    expect(entries).toEqual([{ kind: 'error', text: 'Could not list tools: 401 Unauthorized' }]);
    const broken: SlashCommand = { name: 'boom', description: '', run: () => Promise.reject(new Error('kaput')) };
    const second = setup([broken]);
    second.run('/boom');
    await settle();
    expect(second.entries).toEqual([{ kind: 'error', text: '/boom failed: kaput' }]);
  });

  it('login and logout say so when authentication is off', async () => {
    const { engine, entries, run } = setup(slashCommands, { auth: { state: 'disabled' } });
    run('/login');
    run('/logout');
    await settle();
    expect(entries).toEqual([
      { kind: 'info', text: 'Authentication is off (--no-auth): there is nothing to sign in to.' },
      { kind: 'info', text: 'Authentication is off (--no-auth): there is nothing to sign out of.' },
    ]);
    expect(engine.calls.signOut).toBe(0);
  });
});
