import { cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { renderHook } from '../testing/hook.js';
import { resize, settle } from '../testing/render.js';
import { useTerminalSize } from './useTerminalSize.js';

afterEach(() => cleanup());

describe('useTerminalSize', () => {
  it('reads the stream size (80×24 when unknown) and follows resizes', async () => {
    const hook = renderHook(() => useTerminalSize());
    await settle();
    expect(hook.current).toEqual({ columns: 100, rows: 24 });
    resize(hook, 80, 30);
    await settle();
    expect(hook.current).toEqual({ columns: 80, rows: 30 });
  });
});
