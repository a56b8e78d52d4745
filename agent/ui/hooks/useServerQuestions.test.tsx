import { cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { formFields } from '../../core/elicitation-form.js';
import { FakeEngine } from '../testing/fake-engine.js';
import { ManualClock } from '../testing/manual-clock.js';
import { keys, renderApp } from '../testing/render.js';
import { dirty, TERMINAL_CONTROL } from '../../../test/helpers/hostile-text.js';

/** A server's question (elicitation) and request to use the model (sampling) as panels in the asking call's pane. */
afterEach(() => cleanup());

const schema = {
  type: 'object',
  properties: {
    name: { type: 'string', title: 'Name' },
    age: { type: 'integer', title: 'Age', minimum: 1, maximum: 120 },
    agree: { type: 'boolean', title: 'Agree', default: false },
    colour: { type: 'string', title: 'Colour', enum: ['red', 'teal'], default: 'red' },
  },
  required: ['name'],
};

async function start() {
  const clock = new ManualClock();
  const engine = new FakeEngine({ now: clock.now });
  const app = await renderApp(engine, clock, { columns: 120, rows: 40 });
  await app.send('go');
  return { app, engine, turn: engine.turns[0]! };
}

describe('server questions in call panes', () => {
  it('a form: fields with required marks, checked before sending, typed and cycled; the other call keeps moving', async () => {
    const { app, engine, turn } = await start();
    const asker = turn.startCall('book', {}, 'travel');
    const other = turn.startCall('reverse', { text: 'alpha' }, 'weather');
    const answer = turn.ask(asker, { kind: 'elicitation', server: 'travel', message: dirty('Who is travelling?'), mode: 'form', fields: formFields(schema) });
    await app.advance(100);
    let screen = app.screen();
    expect(screen).toMatch(/┃  travel › book .*\n┃ waiting for you/);
    expect(screen).toContain('server "travel" asks: Who is travelling?');
    expect(screen).toMatch(/┃ › Name\*:/);
    expect(screen).toContain('Agree: no (yes/no)');
    expect(screen).toContain('Colour: red (red | teal)');
    expect(screen).toContain('Enter send · ↑↓ field · ←→ choice · Ctrl-D decline · Esc cancel');
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
    await app.press(keys.backspace, '36', keys.down, ' ', keys.down, keys.right, keys.enter);
    expect(await answer).toEqual({ kind: 'elicitation', action: 'accept', content: { name: 'Ada', age: 36, agree: true, colour: 'teal' } });
    await app.advance(100);
    screen = app.screen();
    expect(screen).not.toContain('asks: Who is travelling?');
    expect(engine.registry.get(asker)?.question).toBeUndefined();
  });

  it('Ctrl-D declines, Esc cancels; a URL question shows the page to open', async () => {
    const { app, turn } = await start();
    const a = turn.startCall('one', {}, 's');
    const first = turn.ask(a, { kind: 'elicitation', server: 's', message: 'Sure?', mode: 'form', fields: formFields(schema) });
    await app.advance(100);
    await app.press('\u0004');
    expect(await first).toEqual({ kind: 'elicitation', action: 'decline' });
    const second = turn.ask(a, { kind: 'elicitation', server: 's', message: 'Sign the form', mode: 'url', url: 'https://forms.example.com/x\u001b[2J' });
    await app.advance(100);
    expect(app.screen()).toContain('open: https://forms.example.com/x');
    expect(app.lastFrame()).not.toMatch(TERMINAL_CONTROL);
    await app.press(keys.escape);
    expect(await second).toEqual({ kind: 'elicitation', action: 'cancel' });
  });

  it('sampling: the server, the prompt and the token limit; y allows, n refuses', async () => {
    const { app, turn } = await start();
    const a = turn.startCall('summarise', {}, 'notes');
    const first = turn.ask(a, { kind: 'sampling', server: 'notes', prompt: `user: summarise this${TERMINAL_CONTROL}\nuser: and this`, maxTokens: 200, systemPrompt: 'Be brief.' });
    await app.advance(100);
    const screen = app.screen();
    expect(screen).toContain('server "notes" asks to use the model (up to 200 tokens):');
    expect(screen).toContain('  user: summarise this');
    expect(screen).toContain('  system: Be brief.');
    expect(screen).toContain('y allow this request · n refuse');
    expect(app.lastFrame()).not.toMatch(TERMINAL_CONTROL);
    await app.press('y');
    expect(await first).toEqual({ kind: 'sampling', allowed: true });
    const second = turn.ask(a, { kind: 'sampling', server: 'notes', prompt: 'user: again', maxTokens: 5 });
    await app.advance(100);
    await app.press('n');
    expect(await second).toEqual({ kind: 'sampling', allowed: false });
  });
});
