import { describe, expect, it } from 'vitest';
import { Backoff, type Scheduler } from '../../agent/core/host/back-off.js';

/** A scheduler that keeps what it is given: the test fires or inspects each attempt. */
function heldTimers(): { schedule: Scheduler; delays: number[]; pending: Array<() => void> } {
  const delays: number[] = [];
  const pending: Array<() => void> = [];
  const schedule: Scheduler = (run, ms) => {
    delays.push(ms);
    pending.push(run);
    return () => {
      const at = pending.indexOf(run);
      if (at >= 0) pending.splice(at, 1);
    };
  };
  return { schedule, delays, pending };
}

describe('a server reconnect back-off', () => {
  it('doubles from 1 s up to 30 s and stays there', () => {
    const timers = heldTimers();
    const backoff = new Backoff(timers.schedule);
    for (let i = 0; i < 8; i++) backoff.retry(() => undefined);
    expect(timers.delays).toEqual([1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000]);
    expect(backoff.failures).toBe(8);
  });

  it('starts over at 1 s after a success, and a new retry replaces the pending one', () => {
    const timers = heldTimers();
    const backoff = new Backoff(timers.schedule);
    for (let i = 0; i < 4; i++) backoff.retry(() => undefined);
    expect(timers.pending).toHaveLength(1);
    backoff.reset();
    expect(timers.pending).toHaveLength(0);
    expect(backoff.retry(() => undefined)).toBe(1000);
  });
});
