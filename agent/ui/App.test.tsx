import { cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import type { SessionStatus } from '../core/engine-types.js';
import { FakeEngine, type ScriptedTurn } from './testing/fake-engine.js';
import { ManualClock } from './testing/manual-clock.js';
import { keys, renderApp, resize, settle, type AppHarness } from './testing/render.js';
import { dirty, FORGED_LINE, TERMINAL_CONTROL } from '../../test/helpers/hostile-text.js';

afterEach(() => cleanup());

async function start(options: Parameters<typeof renderApp>[2] & { status?: Partial<SessionStatus> } = {}) {
  const { status, ...rest } = options;
  const clock = new ManualClock();
  const engine = new FakeEngine({ now: clock.now, status });
  const app = await renderApp(engine, clock, rest);
  return { app, engine, clock };
}

/** Sends the prompt and starts three reverse calls the way the demo model does. */
async function threeCalls(app: AppHarness, engine: FakeEngine): Promise<{ turn: ScriptedTurn; ids: string[] }> {
  await app.send('reverse alpha beta gamma');
  const turn = engine.turns[0]!;
  turn.say('Reversing three words at once.');
  const ids = ['alpha', 'beta', 'gamma'].map((text) => turn.startCall('reverse', { text }));
  await app.advance(100);
  return { turn, ids };
}

const widest = (frame: string): number => Math.max(...frame.split('\n').map((line) => [...line].length));

describe('App: concurrent tool calls', () => {
  it('shows three running calls at once, each with its own progress, in 80 columns', async () => {
    const { app, engine } = await start({ columns: 80, rows: 24, demo: true });
    const { turn, ids } = await threeCalls(app, engine);
    const [a, b, c] = ids as [string, string, string];
    turn.progress(a, { progress: 3, total: 5, message: 'reversing: step 3 of 5' });
    turn.progress(b, { progress: 1, total: 5, message: 'reversing: step 1 of 5' });
    await app.advance(1100, 100);
    const screen = app.screen();
    expect(screen).toContain('3 tool calls running');
    expect(screen).toMatch(/│ reverse "alpha" +1\.2s\n│ ████████████░░░░░░░░ 3\/5  60%  reversing: step 3 of 5/);
    expect(screen).toMatch(/│ reverse "beta" +1\.2s\n│ ████░░░░░░░░░░░░░░░░ 1\/5  20%  reversing: step 1 of 5/);
    // The most recent call has focus by default; it has no progress yet.
    expect(screen).toMatch(/┃  reverse  "gamma" +1\.2s\n┃ ⠹ starting…/);
    expect(screen).toContain('⠹ Waiting for tools…');
    expect(screen).toContain('Tab/↑↓ focus · Esc cancel call · Ctrl-C cancel turn');
    expect(widest(app.lastFrame() ?? '')).toBeLessThanOrEqual(80);

    turn.progress(c, { progress: 4, total: 5 });
    await app.advance(100);
    expect(app.screen()).toMatch(/┃ ████████████████░░░░ 4\/5  80%/);
    expect(app.screen()).toMatch(/3\/5  60%/);
  });

  it('collapses each call to one line as it finishes: ✓ result, ✗ error, ⊘ cancelled', async () => {
    const { app, engine } = await start();
    const { turn, ids } = await threeCalls(app, engine);
    const [a, b, c] = ids as [string, string, string];
    await app.advance(900, 100);
    turn.finish(a, 'ahpla');
    await app.advance(100);
    expect(app.screen()).toContain('✓ reverse "alpha" · 1.0s · ahpla');
    expect(app.screen()).toContain('2 tool calls running');
    expect(app.screen()).not.toMatch(/│ reverse "alpha"/);
    turn.finish(b, 'text must not be empty', true);
    engine.registry.cancel(c);
    turn.say('Done: ahpla.');
    turn.end();
    await app.advance(100);
    const screen = app.screen();
    expect(screen).toContain('✗ reverse "beta" · 1.1s · text must not be empty');
    expect(screen).toContain('⊘ reverse "gamma" · 1.1s · cancelled');
    expect(screen).not.toContain('tool calls running');
    // Finished lines come before the reply that follows them.
    expect(screen.indexOf('⊘ reverse "gamma"')).toBeLessThan(screen.indexOf('◆ Done: ahpla.'));
    expect(screen).toContain('› ');
    expect(screen).toContain('Type a message, or /help');
  });

  it('Esc cancels the focused call, most recent by default; Tab moves the focus first', async () => {
    const { app, engine } = await start();
    const { ids } = await threeCalls(app, engine);
    const cancelled: string[] = [];
    const cancel = engine.registry.cancel.bind(engine.registry);
    engine.registry.cancel = (id) => {
      cancelled.push(id);
      return cancel(id);
    };
    await app.press(keys.escape);
    await app.advance(100);
    expect(cancelled).toEqual([ids[2]]);
    expect(app.screen()).toContain('⊘ reverse "gamma" · 0.1s · cancelled');
    // Focus falls back to the most recent running call (beta); Tab wraps to alpha.
    expect(app.screen()).toMatch(/┃  reverse  "beta"/);
    await app.press(keys.tab);
    await app.advance(100);
    expect(app.screen()).toMatch(/┃  reverse  "alpha"/);
    await app.press(keys.escape);
    await app.advance(100);
    expect(cancelled).toEqual([ids[2], ids[0]]);
    expect(app.screen()).toContain('⊘ reverse "alpha"');
    expect(app.screen()).toMatch(/1 tool call running\n┃  reverse  "beta"/);
  });

  it('keeps all 16 of 16 concurrent calls on an 80×24 screen', async () => {
    const { app, engine } = await start({ columns: 80, rows: 24 });
    await app.send('reverse many');
    const turn = engine.turns[0]!;
    const ids = Array.from({ length: 16 }, (_, i) => turn.startCall('reverse', { text: `word${i + 1}` }));
    ids.forEach((id, i) => turn.progress(id, { progress: i % 6, total: 5, message: `step ${i % 6}` }));
    await app.advance(200, 100);
    const frame = app.lastFrame() ?? '';
    for (let i = 1; i <= 16; i++) expect(frame).toContain(`"word${i}"`);
    expect(widest(frame)).toBeLessThanOrEqual(80);
    // The live region (from the first pane down) must stay shorter than the screen.
    const lines = frame.split('\n');
    const first = lines.findIndex((l) => l.includes('"word1"'));
    expect(lines.length - first).toBeLessThan(24);
  });

  it('draws at most ~30 frames a second with 16 calls × 20 progress events a second', async () => {
    const { app, engine, clock } = await start({ columns: 120, rows: 40 });
    await app.send('reverse many');
    const turn = engine.turns[0]!;
    const ids = Array.from({ length: 16 }, (_, i) => turn.startCall('reverse', { text: `w${i}` }));
    await app.advance(100);
    const before = app.frames.length;
    let events = 0;
    for (let t = 0; t < 1000; t += 5) {
      ids.forEach((id, i) => {
        if ((t + i * 3) % 50 < 5) turn.progress(id, { progress: ++events, total: 100_000 });
      });
      clock.advance(5);
      await settle(2);
    }
    expect(events).toBeGreaterThanOrEqual(320);
    expect(app.frames.length - before).toBeLessThanOrEqual(31);
  });
});

describe('App: turns and keys', () => {
  it('streams the reply; text typed during the turn is kept and queued as the next message; history', async () => {
    const { app, engine } = await start();
    await app.send('first question');
    expect(app.screen()).toContain('⠋ Thinking…');
    expect(app.screen()).not.toContain('Type a message');
    await app.press('typed while busy');
    expect(app.screen()).toMatch(/│ › typed while busy/);
    await app.press(keys.enter);
    expect(engine.turns).toHaveLength(1);
    expect(app.screen()).toContain('queued for when this turn ends: typed while busy');
    engine.turns[0]!.say('Streaming **answer**');
    await app.advance(100);
    expect(app.screen()).toContain('◆ Streaming answer');
    engine.turns[0]!.end();
    await app.advance(100);
    expect(engine.turns.map((t) => t.prompt)).toEqual(['first question', 'typed while busy']);
    engine.turns[1]!.end();
    await app.advance(100);
    expect(app.screen()).toContain('Type a message, or /help');
    await app.press(keys.up);
    expect(app.screen()).toMatch(/│ › typed while busy/);
    await app.press(keys.up);
    expect(app.screen()).toMatch(/│ › first question/);
  });

  it('a cancelled turn gives queued text back to the input instead of sending it', async () => {
    const { app, engine } = await start();
    await app.send('first question');
    await app.send('then this');
    await app.press('and half');
    await app.press(keys.ctrlC);
    await app.advance(100);
    expect(engine.turns).toHaveLength(1);
    expect(app.screen()).toContain('Turn cancelled.');
    expect(app.screen()).toMatch(/│ › then this/);
    expect(app.screen()).toMatch(/│ {3}and half/);
  });

  it('Ctrl-C once cancels the turn; a second press within 2 s exits', async () => {
    const { app, engine } = await start();
    await threeCalls(app, engine);
    await app.press(keys.ctrlC);
    await app.advance(100);
    expect(engine.turns[0]!.signal?.aborted).toBe(true);
    expect(app.screen()).toContain('Turn cancelled.');
    expect(app.screen()).toContain('⊘ reverse "alpha"');
    expect(app.screen()).toContain('Press Ctrl-C again to exit');
    expect(app.exits).toBe(0);
    await app.advance(1000);
    await app.press(keys.ctrlC);
    expect(app.exits).toBe(1);
  });

  it('Ctrl-C when idle clears the line and arms; after 2 s it needs two presses again', async () => {
    const { app } = await start();
    await app.press('half typed');
    await app.press(keys.ctrlC);
    expect(app.screen()).toContain('Type a message, or /help');
    expect(app.screen()).toContain('Press Ctrl-C again to exit');
    await app.advance(2000);
    expect(app.screen()).not.toContain('Press Ctrl-C again');
    await app.press(keys.ctrlC);
    expect(app.exits).toBe(0);
    await app.press(keys.ctrlC);
    expect(app.exits).toBe(1);
  });

  it('runs slash commands and explains unknown ones', async () => {
    const { app, engine } = await start();
    await app.send('/help');
    expect(app.screen()).toMatch(/\/tools +the MCP servers' tools; \/tools SERVER or TOOL, \/tools PAGE for more/);
    await app.send('/tools');
    expect(app.screen()).toContain('2 tools on the server');
    expect(app.screen()).toContain('  Reverses text, one step per second.');
    await app.send('/status');
    expect(app.screen()).toContain('Sign-in  dev@warden.example · token expires in 52m');
    await app.send('/tolls');
    expect(app.screen()).toContain('✗ Unknown command /tolls. Did you mean /tools? Type /help to see all commands.');
    await app.send('/clear');
    expect(engine.calls.clearHistory).toBe(1);
    expect(app.screen()).toContain('Conversation cleared.');
    await app.send('/exit');
    expect(app.exits).toBe(1);
  });

  it('follows terminal resizes', async () => {
    const { app } = await start({ columns: 100 });
    expect(widest(app.screen())).toBe(100);
    resize(app, 60, 24);
    await settle();
    // Lines printed before the resize stay as they were; everything drawn since fits.
    const live = app.screen().slice(app.screen().lastIndexOf('╭'));
    expect(live).toMatch(/^╭─{58}╮/);
    expect(widest(live)).toBeLessThanOrEqual(60);
  });
});

describe('App: sign-in and status', () => {
  const prompt = {
    authorityHost: 'localhost:5555',
    userCode: 'WDNK7Q2P',
    verificationUri: 'https://localhost:5555/devicelogin',
    expiresIn: 900,
    expiresAt: 1_000_000 + 900_000,
    message: 'enter the code',
  };

  it('shows the login panel when sign-in is needed, counts down, and goes away when signed in', async () => {
    const { app, engine, clock } = await start({
      columns: 80,
      rows: 30,
      status: { connection: { state: 'sign-in-needed', reason: 'no token' }, auth: { state: 'signed-out' } },
    });
    expect(engine.signIns).toHaveLength(1);
    expect(app.screen()).toContain('Asking the identity provider for a sign-in code');
    engine.setStatus({ auth: { state: 'signing-in', prompt } });
    await settle();
    expect(app.screen()).toContain('W D N K  -  7 Q 2 P');
    expect(app.screen()).toContain('Code expires in 15:00');
    expect(app.screen()).toContain('No browser here');
    expect(app.screen()).not.toContain('Type a message');
    await app.advance(61_000, 1000);
    expect(app.screen()).toContain('Code expires in 13:59');
    expect(widest(app.lastFrame() ?? '')).toBeLessThanOrEqual(80);
    engine.setStatus({
      connection: { state: 'connected', toolCount: 3 },
      auth: { state: 'signed-in', account: 'dev@warden.example', expiresAt: clock.now() + 3_600_000 },
    });
    engine.signIns[0]!.resolve();
    await settle();
    expect(app.screen()).not.toContain('W D N K');
    expect(app.screen()).toContain('Signed in as dev@warden.example.');
    expect(app.screen()).toContain('Type a message, or /help');
  });

  it('asks before a token goes to a server bound elsewhere: no input box meanwhile, y answers, keys say so, it fits 80×24', async () => {
    const request = { kind: 'scope-bound-elsewhere' as const, scope: 'api://a/execute', server: 'http://127.0.0.1:2/mcp', boundTo: ['http://127.0.0.1:1/mcp'] };
    const { app, engine } = await start({
      columns: 80,
      rows: 24,
      status: { connection: { state: 'sign-in-needed', reason: 'approval' }, auth: { state: 'approval-needed', request } },
    });
    expect(app.screen()).toContain('Send your token to this server?');
    expect(app.screen()).toContain('y approve · n refuse');
    expect(app.screen()).not.toContain('Type a message');
    expect(engine.signIns).toHaveLength(0);
    expect(widest(app.lastFrame() ?? '')).toBeLessThanOrEqual(80);
    await app.press('y');
    expect(engine.approvals).toEqual([true]);
    engine.setStatus({ connection: { state: 'connected', toolCount: 3 }, auth: { state: 'signed-in', account: 'dev@warden.example', expiresAt: 9e12 } });
    await settle();
    expect(app.screen()).not.toContain('Send your token');
    expect(app.screen()).toContain('Approved; connecting again.');
    expect(app.screen()).toContain('Type a message, or /help');
  });

  it('Esc cancels the sign-in; o opens the browser when there is one', async () => {
    const opened: string[] = [];
    const { app, engine } = await start({
      status: { connection: { state: 'sign-in-needed', reason: 'no token' }, auth: { state: 'signing-in', prompt } },
      openBrowser: async (url) => {
        opened.push(url);
      },
    });
    expect(app.screen()).toContain('Press o to open it in your browser.');
    expect(app.screen()).toContain('o open browser · Esc cancel sign-in');
    await app.press('o');
    expect(opened).toEqual([prompt.verificationUri]);
    expect(app.screen()).toContain('Opened in your browser');
    await app.press(keys.escape);
    expect(engine.signIns[0]!.signal?.aborted).toBe(true);
    engine.setStatus({ auth: { state: 'signed-out' } });
    await settle();
    expect(app.screen()).toContain('Sign-in cancelled. Type /login to sign in.');
    expect(app.screen()).not.toContain('W D N K');
    await app.send('/login');
    expect(engine.signIns).toHaveLength(2);
  });

  it('shows connection, auth and model in the status bar', async () => {
    const { app, engine } = await start({ columns: 160 });
    expect(app.screen()).toContain('● http://127.0.0.1:8000/mcp connected · 3 tools');
    expect(app.screen()).toContain('demo model — set ANTHROPIC_API_KEY for Claude');
    engine.setStatus({
      connection: { state: 'unreachable', error: 'connect ECONNREFUSED 127.0.0.1:8000' },
      auth: { state: 'disabled' },
      model: { kind: 'claude', model: 'claude-sonnet-4-5' },
    });
    await settle();
    expect(app.screen()).toContain('✗ http://127.0.0.1:8000/mcp unreachable: connect ECONNREFUSED 127.0.0.1:8000');
    expect(app.screen()).toContain('no auth');
    expect(app.screen()).toContain('claude-sonnet-4-5');
  });
});

describe('App: hostile text from a server', () => {
  it('never draws a control: tool names, 200k-character messages, results, the answer, notices and /tools', async () => {
    const { app, engine } = await start({ columns: 100, rows: 30 });
    engine.tools = [{ name: dirty('evil'), description: `${dirty('Does evil.')}\n${FORGED_LINE}` }];
    await app.send('reverse abc');
    const turn = engine.turns[0]!;
    turn.say(`${dirty('Calling')}\r${FORGED_LINE}\n\n`);
    const id = turn.startCall(dirty('evil'), { text: dirty('abc') });
    turn.progress(id, { progress: 1, total: 3, message: `${dirty('Step 1')} ${'x'.repeat(200_000)}` });
    await app.advance(200, 100);
    expect(app.screen()).toMatch(/┃ .* Step 1 x+…\n/);
    turn.emit({ type: 'notice', message: dirty('rate limited') });
    turn.finish(id, `${dirty('cba')}\r${FORGED_LINE}`);
    turn.say(dirty('Done.'));
    turn.end();
    await app.advance(200, 100);
    await app.send('/tools');
    expect(app.screen()).toMatch(/✓ evil "\\u001b.*· cba \[reverse#1\] ✓ 0\.0 s all good/);
    expect(app.screen()).toContain(`  ${FORGED_LINE}`);
    for (const frame of app.frames) expect(frame).not.toMatch(TERMINAL_CONTROL);
  });
});
