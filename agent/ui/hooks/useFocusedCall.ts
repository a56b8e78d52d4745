import { useState } from 'react';
import type { ToolCallRecord } from '../../core/tool-calls/types.js';
import { useKeys } from '../keyboard/KeyboardContext.js';

export interface FocusedCall {
  /** The call Esc would cancel: the one chosen with Tab/↑↓, else the most recent. */
  focusedId: string | undefined;
  /** Calls the user asked to stop (ids are never reused, so ended ones can stay). */
  cancelling: ReadonlySet<string>;
}

export interface FocusOptions {
  running: readonly ToolCallRecord[];
  cancel: (id: string) => void;
}

/** Focus and cancellation across the running calls. */
export function useFocusedCall({ running, cancel }: FocusOptions): FocusedCall {
  const [chosen, setChosen] = useState<string | undefined>(undefined);
  const [cancelling, setCancelling] = useState<ReadonlySet<string>>(new Set());
  // A chosen call that ended (or is being cancelled) hands focus back to the most recent live one.
  const live = running.filter((c) => !cancelling.has(c.id));
  const focused = live.find((c) => c.id === chosen) ?? live.at(-1) ?? running.at(-1);
  const focusedId = focused?.id;

  // Tab/↑/↓/Esc while calls run; every other key goes on to the input.
  useKeys(
    'call-focus',
    ({ key }) => {
      if (!focusedId) return false;
      const index = running.findIndex((c) => c.id === focusedId);
      const move = (step: number): void => setChosen(running[(index + step + running.length) % running.length]?.id);
      if ((key.tab && key.shift) || key.upArrow) move(-1);
      else if (key.tab || key.downArrow) move(1);
      else if (key.escape) {
        cancel(focusedId);
        setCancelling((current) => new Set(current).add(focusedId));
      } else return false;
      return true;
    },
    running.length > 0,
  );

  return { focusedId, cancelling };
}
