import { cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { slashCommands } from '../slash-commands/index.js';
import type { SessionStatus } from '../../core/engine-types.js';
import type { SlashCommand, SlashCommandContext } from '../slash-commands/types.js';
import type { TranscriptEntry } from '../transcript.js';
import { baseStatus, FakeEngine } from '../testing/fake-engine.js';
import { renderHook } from '../testing/hook.js';
import { settle } from '../testing/render.js';
import { findCommand, isSlashCommand, suggestCommand, useSlashCommands } from './useSlashCommands.js';

afterEach(() => cleanup());

/** Two servers: `server` takes a log level, `local` does not. */
const twoServers: Partial<SessionStatus> = {
  servers: [
    { ...baseStatus.servers[0]!, connection: { state: 'connected', toolCount: 3, logging: true } },
    { ...baseStatus.servers[0]!, name: 'local', connection: { state: 'connected', toolCount: 1 } },
  ],
};

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
    resumeConversation: (id) => entries.push({ kind: 'info', text: id === undefined ? '(picker opened)' : `(resuming ${id})` }),
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
    for (const line of ['/help', '/tools', '/status', '/login', '/logout', '/resume', '/resume 20261207', '/clear', '/exit']) {
      run(line);
      await settle();
    }
    expect(entries.map((e) => (e.kind === 'info' ? e.text : e.kind))).toEqual([
      'help',
      'tools',
      'status',
      '(sign-in started)',
      'Signed out. Type /login to sign in again.',
      '(picker opened)',
      '(resuming 20261207)',
      '(screen cleared)',
      'Conversation cleared.',
      '(exit)',
    ]);
    expect(engine.calls).toMatchObject({ signOut: 1, clearHistory: 1 });
    const help = entries[0];
    expect(help?.kind === 'help' && help.commands.map((c) => c.name)).toEqual([
      'help',
      'tools',
      'mcp',
      'permissions',
      'login',
      'logout',
      'status',
      'cost',
      'resume',
      'compact',
      'clear',
      'exit',
    ]);
  });

  it('/cost (or /usage) shows the account as it is now', async () => {
    const { engine, entries, run } = setup();
    run('/cost');
    run('/usage');
    await settle();
    expect(entries).toEqual([
      { kind: 'cost', report: engine.usageReport },
      { kind: 'cost', report: engine.usageReport },
    ]);
  });

  it('/compact passes its instructions and shows what was compacted; a failure is one line', async () => {
    const { engine, entries, run } = setup();
    run('/compact');
    await settle();
    expect(entries).toEqual([
      { kind: 'info', text: 'Compacting the conversation…' },
      { kind: 'error', text: '/compact failed: there is nothing to compact yet' },
    ]);
    engine.compaction = { how: 'local-summary', tokensBefore: 50_000, tokensAfter: 2_000, summary: 'notes' };
    run('/compact keep the ids');
    await settle();
    expect(engine.compactions).toEqual([undefined, 'keep the ids']);
    expect(entries.at(-1)).toEqual({ kind: 'compaction', compaction: engine.compaction });
  });

  it('/mcp lists the servers; /mcp reconnect NAME reconnects that one; a wrong name is named first, with the one meant', async () => {
    const { engine, entries, run } = setup(slashCommands, twoServers);
    for (const line of ['/mcp', '/mcp reconnect server', '/mcp reconnect lcoal', '/mcp reconnect zzz', '/mcp frobnicate', '/login server', '/login sever']) {
      run(line);
      await settle();
    }
    expect(entries[0]).toEqual({ kind: 'servers', servers: engine.getStatus().servers, now: 0 });
    expect(entries.slice(1).map((e) => (e.kind === 'servers' ? `servers:${e.servers.map((s) => s.name).join()} of ${e.of}` : `${e.kind}:${'text' in e ? e.text : ''}`))).toEqual([
      'info:Reconnecting server…',
      // One server shown after its reconnect, out of two: the heading says so.
      'servers:server of 2',
      'error:No server named "lcoal" — did you mean local? (/mcp lists them)',
      'error:No server named "zzz" (/mcp lists them)',
      'error:Usage: /mcp, /mcp reconnect NAME, /mcp logs NAME, or /mcp level NAME LEVEL (debug … emergency)',
      'info:(sign-in to server started)',
      'error:No server named "sever" — did you mean server? (/mcp lists them)',
    ]);
    expect(engine.reconnects).toEqual(['server']);
  });

  it("/mcp logs NAME shows that server's log; /mcp level NAME LEVEL sets it; bad names and levels say so", async () => {
    const { engine, entries, run } = setup(slashCommands, twoServers);
    const lines = Array.from({ length: 60 }, (_, i) => ({ at: i, level: 'info' as const, text: `line ${i}` }));
    engine.serverLogLines.set('server', lines);
    for (const line of ['/mcp logs server', '/mcp logs nope', '/mcp level server debug', '/mcp level server loud', '/mcp level local debug']) {
      run(line);
      await settle();
    }
    const [logs, ...rest] = entries;
    expect(logs).toMatchObject({ kind: 'server-logs', server: 'server', total: 60 });
    expect(logs?.kind === 'server-logs' && logs.lines.map((l) => l.text)).toEqual(lines.slice(10).map((l) => l.text));
    expect(rest.map((e) => `${e.kind}:${'text' in e ? e.text : ''}`)).toEqual([
      'error:No server named "nope" (/mcp lists them)',
      'info:server now shows log messages from debug up.',
      'error:Unknown log level "loud": use one of debug, info, notice, warning, error, critical, alert, emergency.',
      'error:local does not take a log level (it declared no logging capability).',
    ]);
    expect(engine.logLevels).toEqual([{ name: 'server', level: 'debug' }]);
  });

  it('/tools shows one page of many tools at a time, and says how to see the next', async () => {
    const { engine, entries, run } = setup();
    engine.tools = Array.from({ length: 3000 }, (_, i) => ({ name: `tool_${i}`, description: 'd'.repeat(10_000), server: 'big' }));
    for (const line of ['/tools', '/tools 75', '/tools 0', '/tools 76', '/tools big 2', '/tools tool_7', '/tools bgi']) {
      run(line);
      await settle();
    }
    const [first, last, bad, past, server, tool, typo] = entries;
    expect(first).toMatchObject({ kind: 'tools', page: { number: 1, pages: 75, total: 3000 } });
    expect(first?.kind === 'tools' && first.tools.length).toBe(40);
    // Only the page is kept, with descriptions cut: a listing of thousands stays small.
    expect(first?.kind === 'tools' && first.tools.every((t) => t.description.length <= 2000)).toBe(true);
    expect(last?.kind === 'tools' && last.tools.map((t) => t.name).at(-1)).toBe('tool_2999');
    expect(bad).toEqual({ kind: 'error', text: 'Usage: /tools [SERVER or TOOL] [PAGE]' });
    // Past the last page it says so rather than showing another page.
    expect(past).toEqual({ kind: 'error', text: 'There is no page 76: 3000 tools fit on 75 pages (/tools 1 … 75).' });
    expect(server).toMatchObject({ kind: 'tools', page: { number: 2, pages: 75, filter: 'big' } });
    expect(tool?.kind === 'tools' && tool.tools.map((t) => t.name)).toEqual(['tool_7']);
    expect(typo).toEqual({ kind: 'error', text: 'No server or tool named "bgi" — did you mean big?' });
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
    const { engine, entries, run } = setup(slashCommands, { auth: { state: 'disabled', why: 'no-auth' } });
    run('/login');
    run('/logout');
    await settle();
    expect(entries).toEqual([
      { kind: 'info', text: 'Authentication is off (--no-auth): there is nothing to sign in to.' },
      { kind: 'info', text: 'Authentication is off (--no-auth): there is nothing to sign out of.' },
    ]);
    expect(engine.calls.signOut).toBe(0);
  });

  it('login with nothing to sign in to says so plainly, never --no-auth when nobody set it', async () => {
    const none = setup(slashCommands, { auth: { state: 'disabled', why: 'none' } });
    none.run('/login');
    await settle();
    expect(none.entries).toEqual([{ kind: 'info', text: expect.stringMatching(/^There is nothing to sign in to: no server here uses a sign-in/) }]);
    const notAsked = setup(slashCommands, { auth: { state: 'disabled', why: 'not-asked' } });
    notAsked.run('/login');
    await settle();
    expect(notAsked.entries).toEqual([{ kind: 'info', text: expect.stringMatching(/^No server has asked for a sign-in: .*\/login NAME/) }]);
    for (const entry of [...none.entries, ...notAsked.entries]) expect(entry).not.toMatchObject({ text: expect.stringContaining('--no-auth') });
  });
});

describe('/permissions', () => {
  it('lists the saved rules numbered and the files’ patterns, and removes a saved rule by number', async () => {
    const { engine, entries, run } = setup();
    engine.rules = {
      allow: [{ pattern: 'weather__*', file: '/home/u/.config/warden/mcp.json' }],
      deny: [{ pattern: 'files__delete_*', file: '/work/.mcp.json' }],
      saved: [{ tool: 'files__write_file' }, { readOnlyServer: 'tickets' }],
    };
    run('/permissions');
    await settle();
    expect(entries.map((e) => (e.kind === 'info' ? e.text : e.kind))).toEqual([
      'Saved rules (remove one with /permissions remove N):',
      '  1. allow files__write_file',
      "  2. allow tickets's read-only tools",
      'From configuration files (edit the file to change):',
      '  deny  files__delete_*  (/work/.mcp.json)',
      '  allow weather__*  (/home/u/.config/warden/mcp.json)',
    ]);
    entries.length = 0;
    run('/permissions remove 1');
    await settle();
    run('/permissions remove 7');
    await settle();
    expect(engine.rules.saved).toEqual([{ readOnlyServer: 'tickets' }]);
    expect(entries).toEqual([
      { kind: 'info', text: 'Removed: allow files__write_file. That tool asks again.' },
      { kind: 'error', text: 'There is no saved rule 7 (see /permissions).' },
    ]);
  });
});
