import { cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { formFields } from '../../core/elicitation-form.js';
import type { AnswerOf } from '../../core/tool-calls/questions.js';
import { NOT_READY } from '../questions/legend.js';
import { FakeEngine } from '../testing/fake-engine.js';
import { ManualClock } from '../testing/manual-clock.js';
import { keys, renderApp, type AppHarness } from '../testing/render.js';
import { dirty, TERMINAL_CONTROL } from '../../../test/helpers/hostile-text.js';
import { QUIET_MS } from './useCallQuestions.js';

/**
 * useCallQuestions and useQuestionKeys, through the app: the questions calls put to the user
 * (approval, a server's form, a server's request to use the model) in the asking call's pane,
 * and which keys may answer them.
 */
afterEach(() => cleanup());

async function start(size: { columns: number; rows: number } = { columns: 120, rows: 40 }) {
  const clock = new ManualClock();
  const engine = new FakeEngine({ now: clock.now });
  const app = await renderApp(engine, clock, size);
  await app.send('do three things');
  const turn = engine.turns[0]!;
  return { app, engine, turn };
}

/** Lets a question that was just asked reach the screen (the next frame) and take keys (QUIET_MS on screen, no typing). */
const quiet = (app: AppHarness): Promise<void> => app.advance(100 + QUIET_MS, 100);

/** Puts an approval on a call; a question still open when the test ends is dropped with the turn, quietly. */
function ask(engine: FakeEngine, id: string, readOnly = false): Promise<AnswerOf<'approval'>> {
  const answer = engine.turns[0]!.ask(id, { kind: 'approval', annotations: readOnly ? { readOnlyHint: true } : { destructiveHint: true }, readOnly });
  answer.catch(() => undefined);
  return answer;
}

/** Whether a promise has settled, without waiting for it. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  const marker = Symbol('pending');
  return (await Promise.race([promise, Promise.resolve(marker)])) !== marker;
}

describe('approvals in call panes', () => {
  it('a waiting call shows its question in its pane while the other calls keep running; y allows it', async () => {
    const { app, engine, turn } = await start();
    const a = turn.startCall('reverse', { text: 'alpha' }, 'weather');
    const w = turn.startCall('write_file', { path: '/tmp/x', content: `${'z'.repeat(300)}${TERMINAL_CONTROL}` }, 'files');
    const c = turn.startCall('reverse', { text: 'gamma' }, 'weather');
    const answer = ask(engine, w);
    await app.advance(100);
    turn.progress(a, { progress: 2, total: 5, message: 'step 2' });
    turn.finish(c, 'ammag');
    await quiet(app);
    const screen = app.screen();
    expect(screen).toMatch(/┃  files › write_file .*\n┃ waiting for you/);
    expect(screen).toContain('"path": "/tmp/x"');
    // Long values are folded, and no control sequence of the model's arguments reaches the terminal.
    expect(screen).toMatch(/"content": "z{80}… \(\+\d+ chars\)"/);
    expect(app.lastFrame()).not.toContain('\u001b]');
    expect(screen).toContain('annotations: destructive');
    expect(screen).toContain('y allow once   a always allow   n deny   N deny with reason');
    expect(screen).toContain('Tab next question · Esc deny');
    // The others moved on meanwhile.
    expect(screen).toMatch(/weather › reverse "alpha".*\n│ ████████░+ 2\/5/);
    expect(screen).toContain('✓ weather › reverse "gamma"');

    await app.press('y');
    await expect(answer).resolves.toEqual({ kind: 'approval', decision: 'once' });
    await app.advance(100);
    expect(app.screen()).not.toContain('waiting for you');
  });

  it('the legend wraps whole keys at 80 columns: every choice stays on screen', async () => {
    const { app, engine, turn } = await start({ columns: 80, rows: 30 });
    const id = turn.startCall('list', { q: 'open' }, 'tickets');
    void ask(engine, id, true);
    await quiet(app);
    const screen = app.screen();
    expect(screen).toMatch(/┃ y allow once {3}a always allow {3}s allow the server.s read-only tools {3}n deny\n┃ N deny with reason/);
    expect(Math.max(...screen.split('\n').map((l) => [...l].length))).toBeLessThanOrEqual(80);
  });

  it('Tab moves between waiting calls, Esc denies the focused one, N sends a typed reason', async () => {
    const { app, engine, turn } = await start();
    const first = turn.startCall('delete', { id: 1 }, 'tickets');
    const second = turn.startCall('list', { q: 'open' }, 'tickets');
    const answers = [ask(engine, first), ask(engine, second, true)];
    await quiet(app);
    expect(app.screen()).toMatch(/┃  tickets › delete /);
    await app.press(keys.tab);
    await quiet(app);
    // The read-only tool offers the server's read-only tools too.
    expect(app.screen()).toMatch(
      /┃  tickets › list [^\n]*\n┃ waiting for you\n┃ "q": "open"\n┃ annotations: read-only\n┃ y allow once {3}a always allow {3}s allow the server's read-only tools/,
    );
    await app.press(keys.escape);
    await expect(answers[1]).resolves.toEqual({ kind: 'approval', decision: 'deny' });
    await quiet(app);
    expect(app.screen()).toMatch(/┃  tickets › delete /);
    await app.press('N');
    await app.press('not ', 'today', keys.backspace, 'y');
    await app.advance(100);
    expect(app.screen()).toContain('Reason for the model: not today');
    await app.press(keys.enter);
    await expect(answers[0]).resolves.toEqual({ kind: 'approval', decision: 'deny', reason: 'not today' });
    expect(engine.answers.map((a) => a.callId)).toEqual([second, first]);
  });
});

describe('answers come only from deliberate keys on a question that is on screen', () => {
  it('text typed as the question appears goes to the input; "ma" typed at human speed saves no rule', async () => {
    const { app, engine, turn } = await start();
    // The user starts typing their next message while the turn runs…
    await app.press('m');
    const id = turn.startCall('wipe', { disk: '/dev/sda' }, 'evil');
    const answer = ask(engine, id);
    // …and the approval appears between two keys.
    await app.advance(150);
    await app.press('a');
    await app.advance(150);
    expect(await settled(answer)).toBe(false);
    let screen = app.screen();
    expect(screen).toContain(NOT_READY);
    expect(screen).toMatch(/│ › ma/);
    // Still typing: the question keeps waiting for a pause.
    await app.press('y');
    await app.advance(QUIET_MS - 100, 100);
    expect(app.screen()).toContain(NOT_READY);
    await app.advance(100);
    screen = app.screen();
    expect(screen).toContain('y allow once   a always allow');
    expect(screen).toMatch(/│ › may/);
    expect(await settled(answer)).toBe(false);
    // After a pause a key is deliberate.
    await app.press('n');
    await expect(answer).resolves.toEqual({ kind: 'approval', decision: 'deny' });
    expect(engine.answers).toHaveLength(1);
  });

  it('at 40×10 the question shows as one line naming server and tool; only its keys answer, never a permanent one', async () => {
    const { app, engine, turn } = await start({ columns: 40, rows: 10 });
    const id = turn.startCall('reverse', { text: 'alpha' }, 'local');
    const answer = ask(engine, id);
    await quiet(app);
    const screen = app.screen();
    expect(screen).toMatch(/\? local › reverse want.* y allow · n deny\n/);
    // Everything drawn at this size (the welcome line was printed before the resize) fits.
    const live = screen.slice(screen.indexOf('› do three things'));
    expect(Math.max(...live.split('\n').map((l) => [...l].length))).toBeLessThanOrEqual(40);
    await app.press('a');
    await app.advance(QUIET_MS, 100);
    expect(await settled(answer)).toBe(false);
    await app.press('y');
    await expect(answer).resolves.toEqual({ kind: 'approval', decision: 'once' });
  });

  it('no key answers a question the layout could not show at all', async () => {
    const { app, engine, turn } = await start({ columns: 40, rows: 6 });
    const id = turn.startCall('reverse', { text: 'alpha' }, 'local');
    const answer = ask(engine, id);
    await quiet(app);
    expect(app.screen()).not.toContain('wants approval');
    await app.press('y');
    await app.advance(100);
    expect(await settled(answer)).toBe(false);
    expect(engine.answers).toHaveLength(0);
  });
});

const schema = {
  type: 'object',
  properties: {
    name: { type: 'string', title: 'Name', description: 'As on your passport' },
    age: { type: 'integer', title: 'Age', minimum: 1, maximum: 120 },
    agree: { type: 'boolean', title: 'Agree', default: false },
    hero: { type: 'string', title: 'Hero', enum: ['hero-1', 'hero-2'], enumNames: ['Superman', 'Wonder Woman'], default: 'hero-1' },
    toppings: {
      type: 'array',
      title: 'Toppings',
      items: {
        anyOf: [
          { const: 'ch', title: 'Cheese' },
          { const: 'ol', title: 'Olives' },
          { const: 'ha', title: 'Ham' },
        ],
      },
    },
  },
  required: ['name'],
};

describe('server questions in call panes', () => {
  it('a form: choice titles, the focused field’s description, multi-select with Space; checked before sending', async () => {
    const { app, engine, turn } = await start();
    const asker = turn.startCall('book', {}, 'travel');
    const other = turn.startCall('reverse', { text: 'alpha' }, 'weather');
    const answer = turn.ask(asker, { kind: 'elicitation', server: 'travel', message: dirty('Who is travelling?'), mode: 'form', fields: formFields(schema) });
    await quiet(app);
    let screen = app.screen();
    expect(screen).toMatch(/┃  travel › book .*\n┃ waiting for you/);
    expect(screen).toContain('server "travel" asks: Who is travelling?');
    expect(screen).toMatch(/┃ › Name\*:/);
    expect(screen).toContain('    As on your passport');
    expect(screen).toContain('Agree: no (yes/no)');
    expect(screen).toContain('Hero: Superman  1 of 2');
    expect(screen).not.toContain('hero-1');
    expect(screen).toContain('Toppings: [ ] Cheese  [ ] Olives  [ ] Ham');
    expect(screen).toContain('Enter send   ↑↓ field   Ctrl-D decline   Esc cancel');
    expect(screen).toContain('Tab next question · Esc cancel · Ctrl-C cancel turn');
    expect(app.lastFrame()).not.toMatch(TERMINAL_CONTROL);

    // Enter with the required name empty: nothing is sent, the problem is shown.
    await app.press(keys.enter);
    expect(app.screen()).toContain('Name: required');
    turn.progress(other, { progress: 3, total: 5, message: 'step 3' });
    await app.advance(100);
    expect(app.screen()).toMatch(/weather › reverse[^\n]*\n[^\n]*3\/5/);

    await app.press('Ada');
    await app.press(keys.down, 'x');
    await app.press(keys.enter);
    expect(app.screen()).toContain('Age: expected a number');
    await app.press(keys.backspace, '36', keys.down, ' ', keys.down);
    screen = app.screen();
    expect(screen).toContain('Hero: ‹ Superman ›  1 of 2');
    expect(screen).toContain('←→ choose');
    await app.press(keys.right);
    expect(app.screen()).toContain('Hero: ‹ Wonder Woman ›  2 of 2');
    await app.press(keys.down);
    expect(app.screen()).toContain('←→ move   Space pick or unpick');
    await app.press(' ', keys.right, keys.right, ' ', keys.left, ' ', ' ');
    expect(app.screen()).toContain('Toppings: [x] Cheese  [ ] Olives  [x] Ham');
    await app.press(keys.enter);
    expect(await answer).toEqual({ kind: 'elicitation', action: 'accept', content: { name: 'Ada', age: 36, agree: true, hero: 'hero-2', toppings: ['ch', 'ha'] } });
    await app.advance(100);
    screen = app.screen();
    expect(screen).not.toContain('asks: Who is travelling?');
    expect(engine.registry.get(asker)?.question).toBeUndefined();
  });

  it('Ctrl-D declines, Esc cancels; a URL question shows the page to open', async () => {
    const { app, turn } = await start();
    const a = turn.startCall('one', {}, 's');
    const first = turn.ask(a, { kind: 'elicitation', server: 's', message: 'Sure?', mode: 'form', fields: formFields(schema) });
    await quiet(app);
    await app.press('\u0004');
    expect(await first).toEqual({ kind: 'elicitation', action: 'decline' });
    const second = turn.ask(a, { kind: 'elicitation', server: 's', message: 'Sign the form', mode: 'url', url: 'https://forms.example.com/x\u001b[2J' });
    await quiet(app);
    expect(app.screen()).toContain('open: https://forms.example.com/x');
    expect(app.lastFrame()).not.toMatch(TERMINAL_CONTROL);
    await app.press(keys.escape);
    expect(await second).toEqual({ kind: 'elicitation', action: 'cancel' });
  });

  it('sampling: the server, the prompt and the token limit; y allows, n refuses', async () => {
    const { app, turn } = await start();
    const a = turn.startCall('summarise', {}, 'notes');
    const first = turn.ask(a, { kind: 'sampling', server: 'notes', prompt: `user: summarise this${TERMINAL_CONTROL}\nuser: and this`, maxTokens: 200, systemPrompt: 'Be brief.' });
    await quiet(app);
    const screen = app.screen();
    expect(screen).toContain('server "notes" asks to use the model (up to 200 tokens):');
    expect(screen).toContain('  user: summarise this');
    expect(screen).toContain('  system: Be brief.');
    expect(screen).toContain('y allow this request   n refuse');
    expect(app.lastFrame()).not.toMatch(TERMINAL_CONTROL);
    await app.press('y');
    expect(await first).toEqual({ kind: 'sampling', allowed: true });
    const second = turn.ask(a, { kind: 'sampling', server: 'notes', prompt: 'user: again', maxTokens: 5 });
    await quiet(app);
    await app.press('n');
    expect(await second).toEqual({ kind: 'sampling', allowed: false });
  });
});
