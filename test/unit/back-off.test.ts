import { describe, expect, it } from 'vitest';
import { Backoff } from '../../agent/core/host/back-off.js';
import { heldTimers } from '../helpers/held-timers.js';

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
