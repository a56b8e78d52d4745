import type { AgentEngine, SessionStatus } from '../../agent/core/engine-types.js';
import type { DeviceCodePrompt } from '../../auth/login/types.js';

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

/** The sign-in prompt (device code or browser link) once the engine shows one. */
export async function waitForSignInPrompt(engine: AgentEngine): Promise<DeviceCodePrompt> {
  const status = await waitForStatus(engine, (s) => s.auth.state === 'signing-in' && s.auth.prompt !== undefined);
  if (status.auth.state !== 'signing-in' || !status.auth.prompt) throw new Error('no sign-in prompt');
  return status.auth.prompt;
}
