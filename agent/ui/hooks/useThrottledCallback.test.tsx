import { cleanup } from 'ink-testing-library';
import { useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { renderHook } from '../testing/hook.js';
import { ManualClock } from '../testing/manual-clock.js';
import { settle } from '../testing/render.js';
import { FRAME_MS, useThrottledCallback } from './useThrottledCallback.js';

afterEach(() => cleanup());

describe('useThrottledCallback', () => {
  it('runs the latest callback at most once a frame, keeps the last request, flushes at once, and stops on unmount', async () => {
    const clock = new ManualClock();
    const runs: string[] = [];
    let relabel: (label: string) => void = () => {};
    const hook = renderHook(
      () => {
        const [label, setLabel] = useState('first');
        relabel = setLabel;
        return useThrottledCallback(() => runs.push(label));
      },
      { clock },
    );
    await settle();
    const throttle = hook.current;
    throttle.request();
    throttle.request();
    throttle.request();
    expect(runs).toEqual(['first']);
    // A request within the frame waits for its end and runs with the callback of the latest render.
    relabel('second');
    await settle();
    clock.advance(FRAME_MS - 1);
    expect(runs).toEqual(['first']);
    clock.advance(1);
    expect(runs).toEqual(['first', 'second']);
    throttle.request();
    throttle.flush();
    expect(runs).toEqual(['first', 'second', 'second']);
    // A request pending when the component goes away never runs.
    throttle.request();
    expect(clock.pending).toBe(1);
    hook.unmount();
    await settle();
    clock.advance(FRAME_MS);
    expect(runs).toHaveLength(3);
    expect(clock.pending).toBe(0);
  });
});
