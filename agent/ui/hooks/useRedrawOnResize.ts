import { useStdout } from 'ink';
import { useEffect, useRef, useState } from 'react';
import { useClock } from '../contexts/ClockContext.js';

export const CLEAR_SCREEN = '\u001B[2J\u001B[3J\u001B[H';
/** Resizes come in bursts while a window is dragged; redraw once it settles. */
export const RESIZE_SETTLE_MS = 150;

/**
 * After the terminal width changes, the terminal has re-wrapped what Ink printed, so Ink can no
 * longer erase its own output cleanly. Clear the screen and return a new count, which the caller
 * uses as the <Static> key so the whole transcript is printed again at the new width.
 */
export function useRedrawOnResize(columns: number): number {
  const clock = useClock();
  const { stdout, write } = useStdout();
  const [redraws, setRedraws] = useState(0);
  const printedAt = useRef(columns);
  useEffect(() => {
    if (!stdout.isTTY || columns === printedAt.current) return;
    const cancel = clock.setTimeout(() => {
      printedAt.current = columns;
      write(CLEAR_SCREEN);
      setRedraws((n) => n + 1);
    }, RESIZE_SETTLE_MS);
    return cancel;
  }, [columns, stdout, write, clock]);
  return redraws;
}
