import { cleanup } from 'ink-testing-library';
import { Text } from 'ink';
import { afterEach, describe, expect, it } from 'vitest';
import { ToolCallRegistry } from '../../core/tool-calls/registry.js';
import type { ToolCallRecord } from '../../core/tool-calls/types.js';
import { renderHook } from '../testing/hook.js';
import { ManualClock } from '../testing/manual-clock.js';
import { settle } from '../testing/render.js';
import { useToolCalls } from './useToolCalls.js';

afterEach(() => cleanup());

function setup() {
  const clock = new ManualClock();
  const registry = new ToolCallRegistry({ now: clock.now });
  const finished: ToolCallRecord[][] = [];
  const hook = renderHook(() => useToolCalls(registry, (calls) => finished.push([...calls])), {
    clock,
    view: (frame) => <Text>{frame.running.map((c) => `${c.id}:${c.progress ?? '-'}`).join(' ')}</Text>,
  });
  return { clock, registry, finished, hook };
}

describe('useToolCalls', () => {
  it('shows each running call with its own progress', async () => {
    const { registry, hook, clock } = setup();
    await settle();
    const a = registry.start('reverse', { text: 'a' }).record.id;
    const b = registry.start('reverse', { text: 'b' }).record.id;
    registry.progress(a, { progress: 2, total: 5 });
    clock.advance(40);
    await settle();
    registry.progress(b, { progress: 4, total: 5 });
    clock.advance(40);
    await settle();
    expect(hook.lastFrame()).toBe(`${a}:2 ${b}:4`);
  });

  it('renders at most ~30 frames a second with 16 calls sending 20 progress events a second each', async () => {
    const { registry, hook, clock } = setup();
    await settle();
    const ids = Array.from({ length: 16 }, (_, i) => registry.start('reverse', { text: `w${i}` }).record.id);
    await settle();
    const before = hook.renders;
    let events = 0;
    // One simulated second in 5 ms steps; call i reports every 50 ms, staggered by i*3 ms.
    for (let t = 0; t < 1000; t += 5) {
      ids.forEach((id, i) => {
        if ((t + i * 3) % 50 < 5) {
          registry.progress(id, { progress: ++events, total: 10_000 });
        }
      });
      clock.advance(5);
      await settle(2);
    }
    expect(events).toBeGreaterThanOrEqual(16 * 20);
    const renders = hook.renders - before;
    expect(renders).toBeLessThanOrEqual(31);
    // Still smooth: far from a stuck screen.
    expect(renders).toBeGreaterThanOrEqual(25);
    clock.advance(40);
    await settle();
    expect(hook.current.running.map((c) => c.progress)).toEqual(ids.map((id) => registry.get(id)?.progress));
  });

  it('hands finished calls over once, in the frame they stop running', async () => {
    const { registry, hook, finished, clock } = setup();
    await settle();
    const a = registry.start('reverse', { text: 'a' }).record.id;
    const b = registry.start('reverse', { text: 'b' }).record.id;
    clock.advance(40);
    await settle();
    registry.finish(a, 'a');
    registry.fail(b, 'boom');
    expect(finished).toEqual([]);
    hook.current.flush();
    await settle();
    expect(finished.flat().map((c) => [c.id, c.status])).toEqual([
      [a, 'done'],
      [b, 'error'],
    ]);
    expect(hook.current.running).toEqual([]);
    clock.advance(100);
    await settle();
    expect(finished).toHaveLength(1);
  });

  it('ticks while calls run (spinner, elapsed) and stops ticking when none do', async () => {
    const { registry, hook, clock } = setup();
    await settle();
    const id = registry.start('reverse', { text: 'a' }).record.id;
    await settle();
    const start = hook.current.now;
    for (let i = 0; i < 5; i++) {
      clock.advance(50);
      await settle();
    }
    expect(hook.current.now).toBeGreaterThanOrEqual(start + 200);
    registry.finish(id, 'a');
    clock.advance(100);
    await settle();
    expect(clock.pending).toBe(0);
  });
});
