import type { AgentEngine, SessionStatus } from '../../agent/core/engine-types.js';

/** Resolves with the engine's status once `match` accepts it (already, or on a later change). */
export function waitForStatus(engine: AgentEngine, match: (s: SessionStatus) => boolean): Promise<SessionStatus> {
  return new Promise((resolve) => {
    const check = (): void => {
      const status = engine.getStatus();
      if (!match(status)) return;
      unsubscribe();
      resolve(status);
    };
    const unsubscribe = engine.subscribeStatus(check);
    check();
  });
}
