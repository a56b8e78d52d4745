import { cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { renderHook } from '../testing/hook.js';
import { resize, settle } from '../testing/render.js';
import { useTerminalSize } from './useTerminalSize.js';

afterEach(() => cleanup());

describe('useTerminalSize', () => {
  it('reads the stream size and follows resizes', async () => {
    const hook = renderHook(() => useTerminalSize());
    resize(hook, 120, 40);
    await settle();
    expect(hook.current).toEqual({ columns: 120, rows: 40 });
    resize(hook, 80, 30);
    await settle();
    expect(hook.current).toEqual({ columns: 80, rows: 30 });
  });

  it('falls back to 80×24 when the stream does not say its size', async () => {
    const hook = renderHook(() => useTerminalSize());
    // A pipe or a bare stream: no columns, no rows (0 counts as unknown too).
    resize(hook, undefined as unknown as number, 0);
    await settle();
    expect(hook.current).toEqual({ columns: 80, rows: 24 });
  });
});
