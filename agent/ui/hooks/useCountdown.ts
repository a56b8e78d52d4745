import { useEffect, useState } from 'react';
import { useClock } from '../contexts/ClockContext.js';

/** Milliseconds left until `deadline` (epoch ms), updated on each whole second; 0 once it passed. */
export function useCountdown(deadline: number | undefined): number {
  const clock = useClock();
  const left = (): number => (deadline === undefined ? 0 : Math.max(0, deadline - clock.now()));
  const [remaining, setRemaining] = useState(left);
  useEffect(() => {
    if (deadline === undefined) return;
    let cancel = (): void => {};
    const tick = (): void => {
      const ms = Math.max(0, deadline - clock.now());
      setRemaining(ms);
      // Wake at the next whole-second boundary so the display never skips or lags a second.
      if (ms > 0) cancel = clock.setTimeout(tick, ms % 1000 || 1000);
    };
    tick();
    return () => cancel();
  }, [deadline, clock]);
  return deadline === undefined ? 0 : remaining;
}
