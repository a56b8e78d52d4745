import { useEffect, useLayoutEffect, useMemo, useRef } from 'react';
import { useClock } from '../contexts/ClockContext.js';
import { createThrottle, type Throttle } from './throttle.js';

/** About 30 frames per second: smooth for progress, light on CPU. */
export const FRAME_MS = 33;

/** A stable throttled trigger for `callback` (always the latest one), disposed on unmount. */
export function useThrottledCallback(callback: () => void, intervalMs = FRAME_MS): Pick<Throttle, 'request' | 'flush'> {
  const clock = useClock();
  const latest = useRef(callback);
  useLayoutEffect(() => {
    latest.current = callback;
  });
  const throttle = useMemo(() => createThrottle(() => latest.current(), intervalMs, clock), [intervalMs, clock]);
  useEffect(() => () => throttle.dispose(), [throttle]);
  return throttle;
}
