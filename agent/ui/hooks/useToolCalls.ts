import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { ToolCallRegistry } from '../../core/tool-calls/registry.js';
import { TERMINAL_STATUSES, type ToolCallRecord } from '../../core/tool-calls/types.js';
import { useClock } from '../contexts/ClockContext.js';
import { FRAME_MS, useThrottledCallback } from './useThrottledCallback.js';

/** Spinner and elapsed time advance this often while calls run, even without progress events. */
export const TICK_MS = 100;

export interface ToolCallFrame {
  /** Calls not yet finished, in start order. */
  running: readonly ToolCallRecord[];
  /** Clock time of this frame, for elapsed times and the spinner. */
  now: number;
  /** Takes a frame at once, so calls that just finished are printed before text that follows them. */
  flush(): void;
}

interface Frame {
  calls: readonly ToolCallRecord[];
  now: number;
}

const isRunning = (call: ToolCallRecord): boolean => !TERMINAL_STATUSES.has(call.status);

/**
 * The registry as frames: every change and every tick is folded into at most one render per
 * FRAME_MS, however many calls report progress. Calls that finished since the last frame are
 * handed to `onFinished` in the same frame they leave the running list, so nothing flickers.
 */
export function useToolCalls(registry: ToolCallRegistry, onFinished: (calls: readonly ToolCallRecord[]) => void): ToolCallFrame {
  const clock = useClock();
  const [frame, setFrame] = useState<Frame>(() => ({ calls: registry.snapshot(), now: clock.now() }));
  // Calls already finished when the UI mounted belong to no one's transcript.
  const reported = useRef<Set<string> | undefined>(undefined);
  reported.current ??= new Set(
    registry
      .snapshot()
      .filter((c) => !isRunning(c))
      .map((c) => c.id),
  );
  const latestOnFinished = useRef(onFinished);
  useLayoutEffect(() => {
    latestOnFinished.current = onFinished;
  });

  const throttle = useThrottledCallback(() => {
    const calls = registry.snapshot();
    const seen = reported.current ?? new Set<string>();
    const finished = calls.filter((c) => !isRunning(c) && !seen.has(c.id));
    for (const call of finished) seen.add(call.id);
    if (finished.length > 0) latestOnFinished.current(finished);
    setFrame({ calls, now: clock.now() });
  }, FRAME_MS);

  useEffect(() => {
    const unsubscribe = registry.subscribe(throttle.request);
    // Catch anything that changed between the first render and subscribing.
    throttle.request();
    return unsubscribe;
  }, [registry, throttle]);

  const running = useMemo(() => frame.calls.filter(isRunning), [frame.calls]);
  const anyRunning = running.length > 0;
  useEffect(() => {
    if (!anyRunning) return;
    let cancel = clock.setTimeout(function tick() {
      throttle.request();
      cancel = clock.setTimeout(tick, TICK_MS);
    }, TICK_MS);
    return () => cancel();
  }, [anyRunning, clock, throttle]);

  return { running, now: frame.now, flush: throttle.flush };
}
