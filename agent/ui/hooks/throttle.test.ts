import { describe, expect, it } from 'vitest';
import { ManualClock } from '../testing/manual-clock.js';
import { createThrottle } from './throttle.js';

describe('createThrottle', () => {
  it('runs on the leading edge, then once per interval with the last request', () => {
    const clock = new ManualClock();
    let runs = 0;
    const throttle = createThrottle(() => runs++, 33, clock);
    throttle.request();
    expect(runs).toBe(1);
    for (let i = 0; i < 10; i++) throttle.request();
    expect(runs).toBe(1);
    clock.advance(32);
    expect(runs).toBe(1);
    clock.advance(1);
    expect(runs).toBe(2);
    clock.advance(100);
    expect(runs).toBe(2);
  });

  it('caps runs at one per interval under a steady stream of requests', () => {
    const clock = new ManualClock();
    let runs = 0;
    const throttle = createThrottle(() => runs++, 33, clock);
    for (let t = 0; t < 1000; t += 2) {
      throttle.request();
      clock.advance(2);
    }
    expect(runs).toBeGreaterThanOrEqual(29);
    expect(runs).toBeLessThanOrEqual(31);
  });

  it('flush runs at once and dispose drops what is pending', () => {
    const clock = new ManualClock();
    let runs = 0;
    const throttle = createThrottle(() => runs++, 33, clock);
    throttle.request();
    throttle.request();
    throttle.flush();
    expect(runs).toBe(2);
    throttle.request();
    throttle.dispose();
    clock.advance(100);
    throttle.request();
    expect(runs).toBe(2);
    expect(clock.pending).toBe(0);
  });
});
