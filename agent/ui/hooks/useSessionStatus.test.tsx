import { cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeEngine } from '../testing/fake-engine.js';
import { renderHook } from '../testing/hook.js';
import { settle } from '../testing/render.js';
import { useSessionStatus } from './useSessionStatus.js';

afterEach(() => cleanup());

describe('useSessionStatus', () => {
  it('follows the engine status, including changes made before it subscribed', async () => {
    const engine = new FakeEngine({ status: { connection: { state: 'connecting' } } });
    const hook = renderHook(() => useSessionStatus(engine), { engine });
    engine.setStatus({ connection: { state: 'connected', toolCount: 2 } });
    await settle();
    expect(hook.current.connection).toEqual({ state: 'connected', toolCount: 2 });
    engine.setStatus({ connection: { state: 'unreachable', error: 'ECONNREFUSED' } });
    await settle();
    expect(hook.current.connection.state).toBe('unreachable');
    hook.unmount();
    engine.setStatus({ connection: { state: 'connecting' } });
  });
});
