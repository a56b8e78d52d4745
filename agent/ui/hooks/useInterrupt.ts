import { useEffect, useRef, useState } from 'react';
import { useClock } from '../contexts/ClockContext.js';
import { useKeys } from '../keyboard/KeyboardContext.js';

/** A second Ctrl-C within this window exits. */
export const EXIT_WINDOW_MS = 2000;

export interface Interrupt {
  /** True between a first Ctrl-C and the end of the exit window: the UI says "again to exit". */
  armed: boolean;
}

/**
 * Ctrl-C: the first press stops what is running (`onInterrupt`: the turn, a sign-in, the typed
 * line), a second one within EXIT_WINDOW_MS calls `onExit`.
 */
export function useInterrupt(onInterrupt: () => void, onExit: () => void): Interrupt {
  const clock = useClock();
  const [armed, setArmed] = useState(false);
  const disarm = useRef<(() => void) | undefined>(undefined);
  useEffect(() => () => disarm.current?.(), []);

  useKeys('interrupt', ({ input, key }) => {
    if (!(key.ctrl && input === 'c')) return false;
    if (disarm.current) {
      disarm.current();
      disarm.current = undefined;
      onExit();
      return true;
    }
    onInterrupt();
    setArmed(true);
    disarm.current = clock.setTimeout(() => {
      disarm.current = undefined;
      setArmed(false);
    }, EXIT_WINDOW_MS);
    return true;
  });

  return { armed };
}
