import { useEffect, useState } from 'react';
import { useClock } from '../contexts/ClockContext.js';

/** The clock's time, refreshed every `intervalMs` while `active` (spinners, token expiry). */
export function useNow(intervalMs: number, active = true): number {
  const clock = useClock();
  const [now, setNow] = useState(() => clock.now());
  useEffect(() => {
    if (!active) return;
    setNow(clock.now());
    let cancel = clock.setTimeout(function tick() {
      setNow(clock.now());
      cancel = clock.setTimeout(tick, intervalMs);
    }, intervalMs);
    return () => cancel();
  }, [clock, intervalMs, active]);
  return now;
}
