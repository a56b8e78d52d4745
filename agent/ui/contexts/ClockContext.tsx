import { createContext, useContext } from 'react';
import { systemClock, type Clock } from '../clock.js';

const ClockContext = createContext<Clock>(systemClock);

export const ClockProvider = ClockContext.Provider;

/** The clock every timer in the UI goes through (a manual one in tests). */
export function useClock(): Clock {
  return useContext(ClockContext);
}
