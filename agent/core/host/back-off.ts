/**
 * A server's reconnect back-off: 1 s, 2 s, 4 s … at most 30 s, started over once a connect
 * succeeds (or the user reconnects). The timer is injectable so tests can fire a retry at once.
 * Not responsible for connecting (the hosted server does).
 */

export const FIRST_RETRY_MS = 1000;
export const MAX_RETRY_MS = 30_000;

/** Runs `run` after `ms`; the returned function cancels it. */
export type Scheduler = (run: () => void, ms: number) => () => void;

/** Real timers that never keep the process alive (-p, a closing chat). */
export const realTimers: Scheduler = (run, ms) => {
  const timer = setTimeout(run, ms);
  timer.unref();
  return () => clearTimeout(timer);
};

export class Backoff {
  private failed = 0;
  private cancel: (() => void) | undefined;

  constructor(private readonly schedule: Scheduler = realTimers) {}

  /** Failures since the last success. */
  get failures(): number {
    return this.failed;
  }

  /** The delay before the next attempt after one more failure. */
  nextDelay(): number {
    return Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** this.failed);
  }

  /** Schedules `attempt` after the next delay (replacing a pending one); returns that delay. */
  retry(attempt: () => void): number {
    this.stop();
    const delay = this.nextDelay();
    this.failed++;
    this.cancel = this.schedule(() => {
      this.cancel = undefined;
      attempt();
    }, delay);
    return delay;
  }

  /** A connect succeeded (or the user asked to reconnect): the next failure waits the first delay again. */
  reset(): void {
    this.stop();
    this.failed = 0;
  }

  /** Cancels the pending attempt, if any. */
  stop(): void {
    this.cancel?.();
    this.cancel = undefined;
  }
}
