import type { Clock } from '../clock.js';

export interface Throttle {
  /** Runs now if the last run is at least `intervalMs` ago, otherwise once at the end of the interval. */
  request(): void;
  /** Runs now, dropping any pending run (e.g. to settle state before a turn's final text). */
  flush(): void;
  /** Drops a pending run; later requests are ignored. */
  dispose(): void;
}

/** Leading and trailing edge throttle on an injected clock, so at most one run per interval and never a lost last update. */
export function createThrottle(run: () => void, intervalMs: number, clock: Clock): Throttle {
  let lastRun = Number.NEGATIVE_INFINITY;
  let cancelPending: (() => void) | undefined;
  let disposed = false;
  const fire = (): void => {
    cancelPending = undefined;
    lastRun = clock.now();
    run();
  };
  return {
    request() {
      if (disposed || cancelPending) return;
      const wait = lastRun + intervalMs - clock.now();
      if (wait <= 0) fire();
      else cancelPending = clock.setTimeout(fire, wait);
    },
    flush() {
      if (disposed) return;
      cancelPending?.();
      fire();
    },
    dispose() {
      disposed = true;
      cancelPending?.();
      cancelPending = undefined;
    },
  };
}
