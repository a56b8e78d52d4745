import { cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { renderHook } from '../testing/hook.js';
import { ManualClock } from '../testing/manual-clock.js';
import { settle } from '../testing/render.js';
import { useNow } from './useNow.js';

afterEach(() => cleanup());

describe('useNow', () => {
  it('refreshes every interval while active, and not at all when inactive', async () => {
    const clock = new ManualClock(0);
    const active = renderHook(() => useNow(100), { clock });
    const idle = renderHook(() => useNow(100, false), { clock });
    await settle();
    clock.advance(250);
    await settle();
    expect(active.current).toBe(200);
    expect(idle.current).toBe(0);
  });
});
