import { cleanup } from 'ink-testing-library';
import { Text } from 'ink';
import { afterEach, describe, expect, it } from 'vitest';
import type { SessionStatus } from '../../core/engine-types.js';
import { createInputHistory } from '../hooks/useInputHistory.js';
import { useLineEditor } from '../hooks/useLineEditor.js';
import { slashCommands } from '../slash-commands/index.js';
import { baseStatus, FakeEngine } from '../testing/fake-engine.js';
import { renderHook } from '../testing/hook.js';
import { ManualClock } from '../testing/manual-clock.js';
import { keys, renderApp, settle } from '../testing/render.js';
import { slashCommandProvider } from './slash-provider.js';
import type { CompletionProvider, CompletionRequest } from './types.js';
import { useCompletion } from './useCompletion.js';

afterEach(() => cleanup());

const servers: Partial<SessionStatus> = {
  servers: [
    { ...baseStatus.servers[0]!, name: 'local', connection: { state: 'connected', toolCount: 2, logging: true } },
    { ...baseStatus.servers[0]!, name: 'remote', connection: { state: 'failed', error: 'refused' } },
  ],
};

const request = (text: string, cursor = Array.from(text).length): CompletionRequest => ({ text, cursor, before: Array.from(text).slice(0, cursor).join('') });

describe('slash-command completion', () => {
  const engine = new FakeEngine({ status: servers });
  engine.tools = [
    { name: 'reverse', description: 'Reverses text.\nMore.', server: 'local' },
    { name: 'echo', description: 'Echoes.', server: 'remote' },
  ];
  const provider = slashCommandProvider(slashCommands, () => ({ engine, status: engine.getStatus() }));
  const complete = async (text: string, cursor?: number) => provider.complete(request(text, cursor), new AbortController().signal);
  const values = async (text: string) => (await complete(text))?.items.map((i) => i.value);

  it('offers the commands that start with what is typed, and nothing for a prompt', async () => {
    expect(await values('/')).toEqual(slashCommands.map((c) => `/${c.name} `));
    expect(await values('/lo')).toEqual(['/login ', '/logout ']);
    expect(await complete('/lo')).toMatchObject({ from: 0, to: 3 });
    expect(await complete('reverse /x')).toBeUndefined();
  });

  it('completes arguments by each command: subcommands, server names, log levels, tools', async () => {
    expect(await values('/mcp ')).toEqual(['reconnect ', 'logs ', 'level ']);
    expect(await values('/mcp reconnect ')).toEqual(['local ', 'remote ']);
    expect(await values('/mcp reconnect r')).toEqual(['remote ']);
    // Only a server that declared logging takes a level.
    expect(await values('/mcp level ')).toEqual(['local ']);
    expect(await values('/mcp level local w')).toEqual(['warning ']);
    expect(await values('/tools ')).toEqual(['local ', 'remote ', 'reverse ', 'echo ']);
    expect((await complete('/tools re'))?.items.map((i) => [i.label, i.description])).toEqual([
      ['remote', '1 tool'],
      ['local › reverse', 'Reverses text.'],
    ]);
    expect(await values('/login ')).toEqual(['local ', 'remote ']);
    expect(await values('/permissions ')).toEqual(['remove ']);
    // The word at the cursor is what is replaced, not the rest of the line.
    expect(await complete('/mcp reconnect lo more', 17)).toMatchObject({ from: 15, to: 17 });
  });
});

/** A provider that answers when the test says so: `resolvers[i](value)` answers the i-th request with one item. */
function slowProvider(): { resolvers: Array<(value: string) => void>; providers: CompletionProvider[] } {
  const resolvers: Array<(value: string) => void> = [];
  const slow: CompletionProvider = {
    id: 'slow',
    complete: (req) =>
      new Promise((resolve) => {
        resolvers.push((value) => resolve({ from: 0, to: Array.from(req.text).length, items: [{ value }] }));
      }),
  };
  return { resolvers, providers: [slow] };
}

describe('useCompletion', () => {
  it('drops an answer that comes after the line changed', async () => {
    const { resolvers, providers } = slowProvider();
    const hook = renderHook(
      () => {
        const editor = useLineEditor({ enabled: true, history: createInputHistory(), onSubmit: () => {} });
        return useCompletion({ line: editor, providers, editor, active: true });
      },
      { view: (view) => <Text>{view?.items.map((i) => i.value).join() ?? '(none)'}</Text> },
    );
    await settle();
    hook.stdin.write('a');
    await settle();
    hook.stdin.write('b');
    await settle();
    resolvers[0]?.('for a');
    await settle();
    expect(hook.lastFrame()).toBe('(none)');
    resolvers[1]?.('for ab');
    await settle();
    expect(hook.lastFrame()).toBe('for ab');
  });
});

describe('a Tab typed before the answer', () => {
  it('is taken once the answer for its line comes (typing faster than the providers)', async () => {
    const { resolvers, providers } = slowProvider();
    const hook = renderHook(() => {
      const editor = useLineEditor({ enabled: true, history: createInputHistory(), onSubmit: () => {} });
      useCompletion({ line: editor, providers, editor, active: true });
      return editor;
    });
    await settle();
    hook.stdin.write('/mc');
    await settle();
    hook.stdin.write(keys.tab);
    await settle();
    expect(hook.current.value).toBe('/mc');
    resolvers.at(-1)?.('/mcp ');
    await settle();
    expect(hook.current.value).toBe('/mcp ');
  });

  it('is taken when it comes after the answer but before the list is drawn', async () => {
    const { resolvers, providers } = slowProvider();
    let renders = 0;
    const hook = renderHook(() => {
      const editor = useLineEditor({ enabled: true, history: createInputHistory(), onSubmit: () => {} });
      useCompletion({ line: editor, providers, editor, active: true });
      renders++;
      return editor;
    });
    await settle();
    hook.stdin.write('/mc');
    await settle();
    const before = renders;
    resolvers.at(-1)?.('/mcp ');
    // The answer is in (microtasks), React has not re-rendered yet (it renders in a later task).
    for (let i = 0; i < 10; i++) await Promise.resolve();
    expect(renders).toBe(before);
    hook.stdin.write(keys.tab);
    await settle();
    expect(hook.current.value).toBe('/mcp ');
  });
});

describe('completion in the chat', () => {
  async function start() {
    const clock = new ManualClock();
    const engine = new FakeEngine({ now: clock.now, status: servers });
    const app = await renderApp(engine, clock, { columns: 80, rows: 30 });
    return { app, engine };
  }

  it('shows the matches as a slash command is typed; Tab takes the highlighted one, ↑↓ move, Esc hides', async () => {
    const { app } = await start();
    await app.press('/');
    let screen = app.screen();
    expect(screen).toMatch(/│ › \/ +│\n╰─+╯\n› \/help +commands, MCP prompts and keys\n {2}\/tools +the MCP servers' tools/);
    expect(screen).toMatch(/\d+ more · ↑↓ choose · Tab complete · Esc hide/);
    await app.press('m', keys.tab);
    screen = app.screen();
    expect(screen).toMatch(/│ › \/mcp +│/);
    // Now the subcommands.
    expect(screen).toMatch(/› reconnect +connect a server again now\n {2}logs/);
    await app.press(keys.down, keys.down, keys.tab);
    expect(app.screen()).toMatch(/│ › \/mcp level +│\n╰─+╯\n› local +connected · 2 tools\n(?! {2}remote)/);
    await app.press(keys.escape);
    expect(app.screen()).not.toContain('connected · 2 tools');
    // Tab brings the hidden list back.
    await app.press(keys.tab);
    expect(app.screen()).toContain('› local');
  });

  it('Enter takes the highlighted item and runs the line: /mcp reconnect lo ⏎ reconnects local', async () => {
    const { app, engine } = await start();
    await app.press('/mcp reconnect lo');
    expect(app.screen()).toMatch(/› local +connected · 2 tools/);
    await app.press(keys.enter);
    await settle();
    expect(engine.reconnects).toEqual(['local']);
    expect(app.screen()).toContain('› /mcp reconnect local');
  });

  it('Tab goes to the running calls when nothing completes', async () => {
    const { app, engine } = await start();
    await app.send('go');
    const turn = engine.turns[0]!;
    const [a, b] = [turn.startCall('reverse', { text: 'a' }, 'local'), turn.startCall('reverse', { text: 'b' }, 'local')];
    await app.advance(100);
    expect(app.screen()).toMatch(/┃ {2}local › reverse {2}"b"/);
    await app.press(keys.tab);
    await app.advance(100);
    expect(app.screen()).toMatch(/┃ {2}local › reverse {2}"a"/);
    expect([a, b]).toHaveLength(2);
  });
});
