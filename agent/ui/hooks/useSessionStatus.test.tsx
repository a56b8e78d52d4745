import { cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeEngine } from '../testing/fake-engine.js';
import { renderHook } from '../testing/hook.js';
import { settle } from '../testing/render.js';
import { useSessionStatus } from './useSessionStatus.js';

afterEach(() => cleanup());

/** Counts the engine's live status subscriptions, so a test can see one left behind. */
function countSubscriptions(engine: FakeEngine): { readonly live: number } {
  const subscribe = engine.subscribeStatus.bind(engine);
  let live = 0;
  engine.subscribeStatus = (listener) => {
    live++;
    const unsubscribe = subscribe(listener);
    return () => {
      live--;
      unsubscribe();
    };
  };
  return {
    get live() {
      return live;
    },
  };
}

describe('useSessionStatus', () => {
  it('follows the engine status, including a change made between its first render and subscribing', async () => {
    const engine = new FakeEngine({ status: { connection: { state: 'connecting' } } });
    let first = true;
    const hook = renderHook(
      () => {
        const status = useSessionStatus(engine);
        // The engine moves on after the hook read its status and before its effect subscribes.
        if (first) engine.setStatus({ connection: { state: 'connected', toolCount: 2 } });
        first = false;
        return status;
      },
      { engine },
    );
    await settle();
    expect(hook.current.connection).toEqual({ state: 'connected', toolCount: 2 });
    engine.setStatus({ connection: { state: 'unreachable', error: 'ECONNREFUSED' } });
    await settle();
    expect(hook.current.connection.state).toBe('unreachable');
  });

  it('unsubscribes when unmounted', async () => {
    const engine = new FakeEngine();
    const subscriptions = countSubscriptions(engine);
    const hook = renderHook(() => useSessionStatus(engine), { engine });
    await settle();
    expect(subscriptions.live).toBe(1);
    hook.unmount();
    await settle();
    expect(subscriptions.live).toBe(0);
  });
});
