import type { Scheduler } from '../../agent/core/host/back-off.js';

/**
 * A reconnect scheduler (agent/core/host/back-off.ts) that keeps what it is given instead of
 * starting timers: the test reads each delay asked for and fires the pending attempts itself.
 */
export interface HeldTimers {
  schedule: Scheduler;
  /** Every delay asked for, in order. */
  delays: number[];
  /** Attempts scheduled and neither fired nor cancelled, oldest first. */
  pending: Array<() => void>;
}

export function heldTimers(): HeldTimers {
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
