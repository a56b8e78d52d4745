import { cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import type { TranscriptEntry } from '../transcript.js';
import { FakeEngine } from '../testing/fake-engine.js';
import { renderHook } from '../testing/hook.js';
import { ManualClock } from '../testing/manual-clock.js';
import { settle } from '../testing/render.js';
import { useTurn } from './useTurn.js';

afterEach(() => cleanup());

function setup() {
  const clock = new ManualClock();
  const engine = new FakeEngine({ now: clock.now });
  const entries: TranscriptEntry[] = [];
  const given: string[] = [];
  const hook = renderHook(
    () =>
      useTurn({
        engine,
        add: (...added) => entries.push(...added),
        flushCalls: () => entries.push({ kind: 'info', text: '(calls flushed)' }),
        giveBack: (text) => given.push(text),
      }),
    { clock, engine },
  );
  return { clock, engine, entries, given, hook };
}

describe('useTurn', () => {
  it('streams text into the live tail, throttled, and prints it when the turn ends', async () => {
    const { engine, entries, hook, clock } = setup();
    hook.current.submit('hello');
    await settle();
    expect(hook.current.running).toBe(true);
    expect(entries).toEqual([{ kind: 'user', text: 'hello' }]);
    const turn = engine.turns[0]!;
    turn.say('Hel');
    turn.say('lo **there**');
    await settle();
    expect(hook.current.liveText).toBe('Hel');
    clock.advance(33);
    await settle();
    expect(hook.current.liveText).toBe('Hello **there**');
    turn.end();
    await settle();
    expect(hook.current.running).toBe(false);
    expect(hook.current.liveText).toBe('');
    expect(entries.slice(1).filter((e) => e.kind !== 'info')).toEqual([{ kind: 'assistant', text: 'Hello **there**', continued: false }]);
    // Finished calls are printed before the reply's text.
    expect(entries.at(-2)).toEqual({ kind: 'info', text: '(calls flushed)' });
  });

  it('shows a compaction where it happened: text streamed before it is printed above it', async () => {
    const { engine, entries, hook } = setup();
    hook.current.submit('go on');
    await settle();
    const turn = engine.turns[0]!;
    turn.say('Looking');
    const compaction = { how: 'server-summary' as const, tokensBefore: 170_000, tokensAfter: 8_000, summary: 'notes' };
    turn.emit({ type: 'compacted', compaction });
    turn.say('Done.');
    turn.end();
    await settle();
    expect(entries.filter((e) => e.kind !== 'info').slice(1)).toEqual([
      { kind: 'assistant', text: 'Looking', continued: false },
      { kind: 'compaction', compaction },
      { kind: 'assistant', text: 'Done.', continued: false },
    ]);
  });

  it('prints finished paragraphs while the reply still streams', async () => {
    const { engine, entries, hook } = setup();
    hook.current.submit('long');
    await settle();
    engine.turns[0]!.say('First paragraph.\n\nSecond, still going');
    await settle();
    expect(entries.at(-1)).toEqual({ kind: 'assistant', text: 'First paragraph.', continued: false });
    expect(hook.current.liveText).toBe('Second, still going');
    expect(hook.current.liveContinues).toBe(true);
    engine.turns[0]!.end();
    await settle();
    expect(entries.at(-1)).toEqual({ kind: 'assistant', text: 'Second, still going', continued: true });
  });

  it('prints the text before a tool call, and starts a new reply after it', async () => {
    const { engine, entries, hook } = setup();
    hook.current.submit('reverse a');
    await settle();
    const turn = engine.turns[0]!;
    turn.say('Calling reverse.');
    const id = turn.startCall('reverse', { text: 'a' });
    await settle();
    expect(entries.at(-1)).toEqual({ kind: 'assistant', text: 'Calling reverse.', continued: false });
    expect(hook.current.liveText).toBe('');
    turn.finish(id, 'a');
    // The next paragraph arrives at once: the finished call must still print above it.
    turn.say('It is a.\n\nMore.');
    expect(entries.slice(-2)).toEqual([
      { kind: 'info', text: '(calls flushed)' },
      { kind: 'assistant', text: 'It is a.', continued: false },
    ]);
    turn.end();
    await settle();
  });

  it('uses the result text when the engine did not stream, and reports errors, turn limits and notices', async () => {
    const { engine, entries, hook } = setup();
    hook.current.submit('one');
    await settle();
    engine.turns[0]!.emit({ type: 'notice', message: 'rate limited, retrying in 2 s' });
    engine.turns[0]!.end({ text: 'Plain answer.' });
    await settle();
    hook.current.submit('two');
    await settle();
    engine.turns[1]!.end({ stopReason: 'error', error: 'model unavailable' });
    await settle();
    hook.current.submit('three');
    await settle();
    engine.turns[2]!.end({ stopReason: 'turn_limit' });
    await settle();
    const shown = entries.filter((e) => e.kind !== 'user' && !(e.kind === 'info' && e.text === '(calls flushed)'));
    expect(shown).toEqual([
      { kind: 'notice', text: 'rate limited, retrying in 2 s' },
      { kind: 'assistant', text: 'Plain answer.', continued: false },
      { kind: 'error', text: 'model unavailable' },
      { kind: 'notice', text: 'Stopped: the model used too many tool rounds in one turn.' },
    ]);
  });

  it('cancel aborts the turn signal and says so; one turn at a time', async () => {
    const { engine, entries, hook } = setup();
    expect(hook.current.cancel()).toBe(false);
    hook.current.submit('slow');
    hook.current.submit('ignored while running');
    await settle();
    expect(engine.turns).toHaveLength(1);
    expect(hook.current.cancel()).toBe(true);
    expect(engine.turns[0]!.signal?.aborted).toBe(true);
    await settle();
    expect(hook.current.running).toBe(false);
    expect(entries.at(-1)).toEqual({ kind: 'info', text: 'Turn cancelled.' });
  });

  it('aborts a running turn when the UI unmounts', async () => {
    const { engine, hook } = setup();
    hook.current.submit('bye');
    await settle();
    hook.unmount();
    expect(engine.turns[0]!.signal?.aborted).toBe(true);
  });
});
