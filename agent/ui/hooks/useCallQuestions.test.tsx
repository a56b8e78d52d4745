import { cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import type { AnswerOf } from '../../core/tool-calls/questions.js';
import { FakeEngine } from '../testing/fake-engine.js';
import { ManualClock } from '../testing/manual-clock.js';
import { keys, renderApp } from '../testing/render.js';
import { TERMINAL_CONTROL } from '../../../test/helpers/hostile-text.js';

afterEach(() => cleanup());

async function start() {
  const clock = new ManualClock();
  const engine = new FakeEngine({ now: clock.now });
  const app = await renderApp(engine, clock, { columns: 120, rows: 40 });
  await app.send('do three things');
  const turn = engine.turns[0]!;
  return { app, engine, turn };
}

const ask = (engine: FakeEngine, id: string, readOnly = false): Promise<AnswerOf<'approval'>> =>
  engine.turns[0]!.ask(id, { kind: 'approval', annotations: readOnly ? { readOnlyHint: true } : { destructiveHint: true }, readOnly });

describe('questions in call panes', () => {
  it('a waiting call shows its question in its pane while the other calls keep running; y allows it', async () => {
    const { app, engine, turn } = await start();
    const a = turn.startCall('reverse', { text: 'alpha' }, 'weather');
    const w = turn.startCall('write_file', { path: '/tmp/x', content: `${'z'.repeat(300)}${TERMINAL_CONTROL}` }, 'files');
    const c = turn.startCall('reverse', { text: 'gamma' }, 'weather');
    const answer = ask(engine, w);
    await app.advance(100);
    turn.progress(a, { progress: 2, total: 5, message: 'step 2' });
    turn.finish(c, 'ammag');
    await app.advance(100);
    const screen = app.screen();
    expect(screen).toMatch(/┃  files › write_file .*\n┃ waiting for you/);
    expect(screen).toContain('"path": "/tmp/x"');
    // Long values are folded, and no control sequence of the model's arguments reaches the terminal.
    expect(screen).toMatch(/"content": "z{80}… \(\+\d+ chars\)"/);
    expect(app.lastFrame()).not.toContain('\u001b]');
    expect(screen).toContain('annotations: destructive');
    expect(screen).toContain('y allow once · a always allow · n deny · N deny with reason');
    expect(screen).toContain('Tab next question · Esc deny');
    // The others moved on meanwhile.
    expect(screen).toMatch(/weather › reverse "alpha".*\n│ ████████░+ 2\/5/);
    expect(screen).toContain('✓ weather › reverse "gamma"');

    await app.press('y');
    await expect(answer).resolves.toEqual({ kind: 'approval', decision: 'once' });
    await app.advance(100);
    expect(app.screen()).not.toContain('waiting for you');
  });

  it('Tab moves between waiting calls, Esc denies the focused one, N sends a typed reason', async () => {
    const { app, engine, turn } = await start();
    const first = turn.startCall('delete', { id: 1 }, 'tickets');
    const second = turn.startCall('list', { q: 'open' }, 'tickets');
    const answers = [ask(engine, first), ask(engine, second, true)];
    await app.advance(100);
    expect(app.screen()).toMatch(/┃  tickets › delete /);
    await app.press(keys.tab);
    await app.advance(100);
    // The read-only tool offers the server's read-only tools too.
    expect(app.screen()).toMatch(
      /┃  tickets › list [^\n]*\n┃ waiting for you\n┃ "q": "open"\n┃ annotations: read-only\n┃ y allow once · a always allow · s allow the server's read-only tools/,
    );
    await app.press(keys.escape);
    await expect(answers[1]).resolves.toEqual({ kind: 'approval', decision: 'deny' });
    await app.advance(100);
    expect(app.screen()).toMatch(/┃  tickets › delete /);
    await app.press('N', 'not ', 'today', keys.backspace, 'y');
    await app.advance(100);
    expect(app.screen()).toContain('Reason for the model: not today');
    await app.press(keys.enter);
    await expect(answers[0]).resolves.toEqual({ kind: 'approval', decision: 'deny', reason: 'not today' });
    expect(engine.answers.map((a) => a.callId)).toEqual([second, first]);
  });
});
