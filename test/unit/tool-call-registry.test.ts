import { describe, expect, it } from 'vitest';
import { ToolCallRegistry } from '../../agent/core/tool-calls/registry.js';
import { dirty, FORGED_LINE, TERMINAL_CONTROL } from '../helpers/hostile-text.js';

describe('ToolCallRegistry', () => {
  it('keeps progress of concurrent calls apart', () => {
    const registry = new ToolCallRegistry();
    const a = registry.start('reverse', { text: 'alpha' });
    const b = registry.start('reverse', { text: 'beta' });
    registry.progress(a.record.id, { progress: 1, total: 5, message: 'step 1' });
    registry.progress(b.record.id, { progress: 3, total: 5 });
    registry.progress(a.record.id, { progress: 2, total: 5, message: 'step 2' });
    expect(registry.get(a.record.id)).toMatchObject({ progress: 2, total: 5, message: 'step 2', progressEvents: 2 });
    expect(registry.get(b.record.id)).toMatchObject({ progress: 3, total: 5, progressEvents: 1 });
  });

  it("a progress update without a total keeps the bar's earlier total (MCP makes total optional on each notification)", () => {
    const registry = new ToolCallRegistry();
    const call = registry.start('reverse', { text: 'x' });
    registry.progress(call.record.id, { progress: 1, total: 5, message: 'step 1' });
    registry.progress(call.record.id, { progress: 2 });
    expect(registry.get(call.record.id)).toMatchObject({ progress: 2, total: 5, message: 'step 1', progressEvents: 2 });
    // A new total still replaces the old one.
    registry.progress(call.record.id, { progress: 3, total: 8 });
    expect(registry.get(call.record.id)).toMatchObject({ progress: 3, total: 8 });
  });

  it('notifies subscribers with a new snapshot on every change and ignores late events', () => {
    let clock = 1000;
    const registry = new ToolCallRegistry({ now: () => clock });
    const seen: number[] = [];
    const unsubscribe = registry.subscribe(() => seen.push(registry.snapshot().length));
    const call = registry.start('reverse', { text: 'x' });
    const before = registry.snapshot();
    clock = 1500;
    registry.finish(call.record.id, 'x');
    expect(registry.snapshot()).not.toBe(before);
    expect(registry.get(call.record.id)).toMatchObject({ status: 'done', result: 'x', startedAt: 1000, endedAt: 1500 });
    registry.progress(call.record.id, { progress: 5 });
    expect(registry.get(call.record.id)?.status).toBe('done');
    unsubscribe();
    expect(seen).toEqual([1, 1]);
  });

  it('cancel aborts the call signal, and a turn abort cancels all its calls', () => {
    const registry = new ToolCallRegistry();
    const turn = new AbortController();
    const a = registry.start('reverse', { text: 'a' }, { parentSignal: turn.signal });
    const b = registry.start('reverse', { text: 'b' }, { parentSignal: turn.signal });
    expect(registry.cancel(a.record.id)).toBe(true);
    expect(a.signal.aborted).toBe(true);
    expect(b.signal.aborted).toBe(false);
    registry.cancelled(a.record.id);
    expect(registry.cancel(a.record.id)).toBe(false);
    turn.abort();
    expect(b.signal.aborted).toBe(true);
  });

  it('bounds the number of finished calls it keeps', () => {
    const registry = new ToolCallRegistry({ maxFinished: 3 });
    for (let i = 0; i < 10; i++) registry.finish(registry.start('reverse', { text: String(i) }).record.id, String(i));
    const running = registry.start('reverse', { text: 'live' });
    expect(registry.snapshot().map((r) => r.result ?? r.id)).toEqual(['7', '8', '9', running.record.id]);
  });

  it('stores a progress message as one capped, terminal-safe line, and a result capped (both are display only)', () => {
    const registry = new ToolCallRegistry();
    const call = registry.start('reverse', { text: 'x' });
    registry.progress(call.record.id, { progress: 1, message: `${dirty('Step 1')}\r${FORGED_LINE} ${'x'.repeat(200_000)}` });
    const message = registry.get(call.record.id)?.message ?? '';
    expect(message.length).toBeLessThanOrEqual(500);
    expect(message).toMatch(/^Step 1 \[reverse#1\] ✓ 0\.0 s all good x+…$/);
    expect(message).not.toMatch(TERMINAL_CONTROL);
    registry.finish(call.record.id, 'y'.repeat(200_000));
    const result = registry.get(call.record.id)?.result ?? '';
    expect(result.length).toBeLessThanOrEqual(4000);
    expect(result.endsWith('…')).toBe(true);
  });
});
