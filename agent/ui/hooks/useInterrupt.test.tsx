import { cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { renderHook } from '../testing/hook.js';
import { ManualClock } from '../testing/manual-clock.js';
import { keys, settle } from '../testing/render.js';
import { EXIT_WINDOW_MS, useInterrupt } from './useInterrupt.js';

afterEach(() => cleanup());

function setup() {
  const clock = new ManualClock();
  const seen = { interrupts: 0, exits: 0 };
  const hook = renderHook(
    () =>
      useInterrupt(
        () => seen.interrupts++,
        () => seen.exits++,
      ),
    { clock },
  );
  return { clock, seen, hook };
}

describe('useInterrupt', () => {
  it('first Ctrl-C interrupts and arms, a second within the window exits', async () => {
    const { seen, hook, clock } = setup();
    await settle();
    hook.stdin.write(keys.ctrlC);
    await settle();
    expect(seen).toEqual({ interrupts: 1, exits: 0 });
    expect(hook.current.armed).toBe(true);
    clock.advance(EXIT_WINDOW_MS - 1);
    hook.stdin.write(keys.ctrlC);
    await settle();
    expect(seen).toEqual({ interrupts: 1, exits: 1 });
  });

  it('disarms after the window: a late second press interrupts again instead of exiting', async () => {
    const { seen, hook, clock } = setup();
    await settle();
    hook.stdin.write(keys.ctrlC);
    await settle();
    clock.advance(EXIT_WINDOW_MS);
    await settle();
    expect(hook.current.armed).toBe(false);
    hook.stdin.write(keys.ctrlC);
    await settle();
    expect(seen).toEqual({ interrupts: 2, exits: 0 });
  });

  it('ignores other keys', async () => {
    const { seen, hook } = setup();
    await settle();
    hook.stdin.write('c');
    hook.stdin.write(keys.escape);
    await settle();
    expect(seen).toEqual({ interrupts: 0, exits: 0 });
  });
});
