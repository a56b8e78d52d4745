import { cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import type { ResumeChoice } from '../../core/engine-types.js';
import { FakeEngine } from '../testing/fake-engine.js';
import { renderHook } from '../testing/hook.js';
import { keys, settle } from '../testing/render.js';
import type { TranscriptEntry } from '../transcript.js';
import { useResume } from './useResume.js';

afterEach(() => cleanup());

const summary = (id: string, firstPrompt: string) => ({ id, createdAt: 0, updatedAt: 0, cwd: '/p', firstPrompt, bytes: 100 });

function setup(initial?: ResumeChoice) {
  const engine = new FakeEngine();
  engine.conversations = [summary('20261207-100000-aaaa', 'newest'), summary('20261206-100000-bbbb', 'older')];
  engine.resumed.set('20261206-100000-bbbb', {
    id: '20261206-100000-bbbb',
    history: [
      { kind: 'user', text: 'older' },
      { kind: 'call', call: { id: 'toolu_1', tool: 'reverse', args: { text: 'x' }, status: 'done', result: 'x', progressEvents: 0, startedAt: 0, endedAt: 10 } },
      { kind: 'assistant', text: 'It is "x".' },
    ],
    notices: ['The last entry of the saved conversation was cut off while it was being written (Warden stopped); it was skipped.'],
    gone: 'Gone since this conversation was saved: server beta.',
  });
  const entries: TranscriptEntry[] = [];
  let clears = 0;
  const hook = renderHook(
    () =>
      useResume({
        engine,
        add: (...e) => entries.push(...e),
        clear: () => {
          clears++;
          entries.length = 0;
        },
        ...(initial && { initial }),
        enabled: true,
      }),
    { engine },
  );
  return { engine, entries, hook, clears: () => clears };
}

describe('useResume', () => {
  it('--resume without an ID opens the picker; ↓ Enter shows the chosen history in a fresh transcript, then what is gone', async () => {
    const { engine, entries, hook, clears } = setup({ pick: true });
    await settle();
    expect(hook.current).toMatchObject({ active: true, selected: 0 });
    expect(hook.current.conversations.map((c) => c.firstPrompt)).toEqual(['newest', 'older']);
    hook.stdin.write(keys.down);
    await settle();
    expect(hook.current.selected).toBe(1);
    hook.stdin.write(keys.enter);
    await settle();
    expect(engine.resumes).toEqual(['20261206-100000-bbbb']);
    expect(clears()).toBe(1);
    expect(hook.current.active).toBe(false);
    expect(entries.map((e) => e.kind)).toEqual(['user', 'call', 'assistant', 'notice', 'info', 'notice']);
    expect(entries.at(-2)).toEqual({ kind: 'info', text: 'Resumed conversation 20261206-100000-bbbb: the model has its history. /clear starts a new one.' });
    expect(entries.at(-1)).toEqual({ kind: 'notice', text: 'Gone since this conversation was saved: server beta.' });
  });

  it('--continue with nothing saved says this is a new conversation; Esc closes the picker without resuming', async () => {
    const { engine, entries, hook } = setup({ latest: true });
    await settle();
    expect(entries).toEqual([{ kind: 'info', text: 'no saved conversation "latest" (warden --resume lists them): this is a new conversation.' }]);
    hook.current.pick();
    await settle();
    expect(hook.current.active).toBe(true);
    hook.stdin.write(keys.escape);
    await settle();
    expect(hook.current.active).toBe(false);
    expect(engine.resumes).toEqual(['latest']);
  });

  it('an unknown ID is an error line; an empty directory says so instead of an empty picker', async () => {
    const { engine, entries, hook } = setup();
    hook.current.resume('2099');
    await settle();
    expect(entries).toEqual([{ kind: 'error', text: 'no saved conversation "2099" (warden --resume lists them)' }]);
    engine.conversations = [];
    hook.current.pick();
    await settle();
    expect(hook.current.active).toBe(false);
    expect(entries.at(-1)).toEqual({ kind: 'info', text: 'No saved conversations in this directory yet.' });
  });
});
