import { cleanup } from 'ink-testing-library';
import { Text } from 'ink';
import { afterEach, describe, expect, it } from 'vitest';
import { formatCountdown } from '../format.js';
import { renderHook } from '../testing/hook.js';
import { ManualClock } from '../testing/manual-clock.js';
import { settle } from '../testing/render.js';
import { useCountdown } from './useCountdown.js';

afterEach(() => cleanup());

describe('useCountdown', () => {
  it('counts down each second on the injected clock and stops at zero', async () => {
    const clock = new ManualClock(1_000_000);
    const hook = renderHook(() => useCountdown(1_000_000 + 2500), { clock, view: (ms) => <Text>{formatCountdown(ms)}</Text> });
    await settle();
    expect(hook.lastFrame()).toBe('0:03');
    clock.advance(500);
    await settle();
    expect(hook.lastFrame()).toBe('0:02');
    clock.advance(1000);
    await settle();
    expect(hook.lastFrame()).toBe('0:01');
    clock.advance(1000);
    await settle();
    expect(hook.current).toBe(0);
    expect(clock.pending).toBe(0);
  });

  it('is zero without a deadline', async () => {
    const hook = renderHook(() => useCountdown(undefined), { clock: new ManualClock() });
    await settle();
    expect(hook.current).toBe(0);
  });
});
