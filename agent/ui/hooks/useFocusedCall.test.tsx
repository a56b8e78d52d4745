import { cleanup } from 'ink-testing-library';
import { Text } from 'ink';
import { afterEach, describe, expect, it } from 'vitest';
import { ToolCallRegistry } from '../../core/tool-calls/registry.js';
import type { ToolCallRecord } from '../../core/tool-calls/types.js';
import { renderHook } from '../testing/hook.js';
import { keys, settle } from '../testing/render.js';
import { useKeys } from '../keyboard/KeyboardContext.js';
import { useFocusedCall } from './useFocusedCall.js';

afterEach(() => cleanup());

/** `typed` collects what reaches the input (the keyboard's last owner) past the call panes. */
function setup(count: number, typed: string[] = []) {
  const registry = new ToolCallRegistry();
  const ids = Array.from({ length: count }, (_, i) => registry.start('reverse', { text: `w${i}` }).record.id);
  const cancelled: string[] = [];
  const running: readonly ToolCallRecord[] = registry.active();
  const hook = renderHook(
    () => {
      useKeys('editor', ({ input }) => {
        typed.push(input);
        return true;
      });
      return useFocusedCall({
        running,
        cancel: (id) => {
          cancelled.push(id);
          registry.cancel(id);
        },
      });
    },
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

  it('takes only Tab, arrows and Esc: typing goes on to the input', async () => {
    const typed: string[] = [];
    const { hook, ids } = setup(2, typed);
    await settle();
    hook.stdin.write('hi');
    hook.stdin.write(keys.tab);
    await settle();
    expect(typed).toEqual(['hi']);
    expect(hook.current.focusedId).toBe(ids[0]);
  });
});
