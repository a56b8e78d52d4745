import { cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { ToolCallRegistry } from '../../core/tool-calls/registry.js';
import { renderHook } from '../testing/hook.js';
import { settle } from '../testing/render.js';
import { useTranscript } from './useTranscript.js';

afterEach(() => cleanup());

describe('useTranscript', () => {
  it('appends entries with unique ids, adds each finished call once, and clears into a new epoch', async () => {
    const hook = renderHook(() => useTranscript([{ kind: 'welcome', demo: false }]));
    const registry = new ToolCallRegistry();
    const id = registry.start('reverse', { text: 'a' }).record.id;
    registry.finish(id, 'a');
    const call = registry.get(id)!;
    hook.current.add({ kind: 'user', text: 'hi' });
    hook.current.addCalls([call]);
    hook.current.addCalls([call]);
    await settle();
    expect(hook.current.items.map((i) => i.kind)).toEqual(['welcome', 'user', 'call']);
    expect(new Set(hook.current.items.map((i) => i.id)).size).toBe(3);
    const epoch = hook.current.epoch;
    hook.current.clear();
    hook.current.add({ kind: 'info', text: 'cleared' });
    await settle();
    expect(hook.current.epoch).toBe(epoch + 1);
    expect(hook.current.items).toEqual([{ kind: 'info', text: 'cleared', id: 3 }]);
  });
});
