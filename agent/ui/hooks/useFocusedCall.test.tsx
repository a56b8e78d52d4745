import { cleanup } from 'ink-testing-library';
import { Text } from 'ink';
import { afterEach, describe, expect, it } from 'vitest';
import { ToolCallRegistry } from '../../core/tool-calls/registry.js';
import type { ToolCallRecord } from '../../core/tool-calls/types.js';
import { renderHook } from '../testing/hook.js';
import { keys, settle } from '../testing/render.js';
import { useFocusedCall } from './useFocusedCall.js';

afterEach(() => cleanup());

function setup(count: number, active = true) {
  const registry = new ToolCallRegistry();
  const ids = Array.from({ length: count }, (_, i) => registry.start('reverse', { text: `w${i}` }).record.id);
  const cancelled: string[] = [];
  const running: readonly ToolCallRecord[] = registry.active();
  const hook = renderHook(
    () =>
      useFocusedCall({
        running,
        cancel: (id) => {
          cancelled.push(id);
          registry.cancel(id);
        },
        active,
      }),
    { view: (focus) => <Text>{focus.focusedId ?? 'none'}</Text> },
  );
  return { ids, cancelled, hook };
}

describe('useFocusedCall', () => {
  it('focuses the most recent call by default; Tab and ↓ move forward, Shift-Tab and ↑ back, wrapping', async () => {
    const { ids, hook } = setup(3);
    await settle();
    expect(hook.current.focusedId).toBe(ids[2]);
    hook.stdin.write(keys.tab);
    await settle();
    expect(hook.current.focusedId).toBe(ids[0]);
    hook.stdin.write(keys.down);
    await settle();
    expect(hook.current.focusedId).toBe(ids[1]);
    hook.stdin.write(keys.shiftTab);
    await settle();
    expect(hook.current.focusedId).toBe(ids[0]);
    hook.stdin.write(keys.up);
    await settle();
    expect(hook.current.focusedId).toBe(ids[2]);
  });

  it('Esc cancels the focused call, marks it cancelling and moves focus to the next most recent', async () => {
    const { ids, hook, cancelled } = setup(3);
    await settle();
    hook.stdin.write(keys.tab);
    await settle();
    hook.stdin.write(keys.escape);
    await settle();
    expect(cancelled).toEqual([ids[0]]);
    expect(hook.current.cancelling.has(ids[0]!)).toBe(true);
    expect(hook.current.focusedId).toBe(ids[2]);
  });

  it('ignores keys when not active', async () => {
    const { hook, cancelled, ids } = setup(2, false);
    await settle();
    hook.stdin.write(keys.tab);
    hook.stdin.write(keys.escape);
    await settle();
    expect(hook.current.focusedId).toBe(ids[1]);
    expect(cancelled).toEqual([]);
  });
});
