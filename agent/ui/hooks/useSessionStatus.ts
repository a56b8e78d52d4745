import { useEffect, useState } from 'react';
import type { AgentEngine, SessionStatus } from '../../core/engine-types.js';

/**
 * The engine's session status, re-read on every change. State rather than useSyncExternalStore,
 * because the engine may build a fresh status object on each getStatus() call.
 */
export function useSessionStatus(engine: AgentEngine): SessionStatus {
  const [status, setStatus] = useState(() => engine.getStatus());
  useEffect(() => {
    const update = (): void => setStatus(engine.getStatus());
    const unsubscribe = engine.subscribeStatus(update);
    update();
    return unsubscribe;
  }, [engine]);
  return status;
}
