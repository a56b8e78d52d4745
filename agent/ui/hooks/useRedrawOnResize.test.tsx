import { cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { renderHook } from '../testing/hook.js';
import { ManualClock } from '../testing/manual-clock.js';
import { resize, settle } from '../testing/render.js';
import { CLEAR_SCREEN, RESIZE_SETTLE_MS, useRedrawOnResize } from './useRedrawOnResize.js';
import { useTerminalSize } from './useTerminalSize.js';

afterEach(() => cleanup());

function setup(tty: boolean) {
  const clock = new ManualClock();
  const hook = renderHook(() => useRedrawOnResize(useTerminalSize().columns), { clock });
  Object.defineProperty(hook.stdout, 'isTTY', { value: tty, configurable: true });
  return { clock, hook };
}

describe('useRedrawOnResize', () => {
  it('clears the screen once the width settles and asks for a full reprint', async () => {
    const { clock, hook } = setup(true);
    await settle();
    resize(hook, 90, 24);
    await settle();
    clock.advance(RESIZE_SETTLE_MS / 2);
    resize(hook, 70, 24);
    await settle();
    clock.advance(RESIZE_SETTLE_MS - 1);
    expect(hook.current).toBe(0);
    clock.advance(1);
    await settle();
    expect(hook.current).toBe(1);
    expect(hook.frames.filter((f) => f.includes(CLEAR_SCREEN))).toHaveLength(1);
    // Height alone does not re-wrap anything.
    resize(hook, 70, 40);
    await settle();
    clock.advance(RESIZE_SETTLE_MS);
    await settle();
    expect(hook.current).toBe(1);
  });

  it('does nothing when the output is not a terminal', async () => {
    const { clock, hook } = setup(false);
    await settle();
    resize(hook, 60, 24);
    await settle();
    clock.advance(RESIZE_SETTLE_MS);
    await settle();
    expect(hook.current).toBe(0);
  });
});
