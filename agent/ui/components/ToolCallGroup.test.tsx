import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import type { ToolCallRecord } from '../../core/tool-calls/types.js';
import { withProviders } from '../testing/render.js';
import { groupRows, layoutGroup, ToolCallGroup } from './ToolCallGroup.js';

afterEach(() => cleanup());

const calls = (n: number): ToolCallRecord[] =>
  Array.from({ length: n }, (_, i) => ({
    id: `call_${i + 1}`,
    tool: 'reverse',
    args: { text: `word${i + 1}` },
    status: 'running',
    progress: i % 5,
    total: 5,
    progressEvents: 1,
    startedAt: 0,
  }));

describe('layoutGroup', () => {
  it('uses two-line panes while they fit, then one line, then a "+N more" line around the focus', () => {
    expect(layoutGroup(calls(3), 'call_3', 7)).toMatchObject({ header: true, compact: false, hidden: 0 });
    expect(layoutGroup(calls(3), 'call_3', 6)).toMatchObject({ header: true, compact: true, hidden: 0 });
    expect(layoutGroup(calls(16), 'call_16', 16)).toMatchObject({ header: false, compact: true, hidden: 0 });
    const tight = layoutGroup(calls(16), 'call_12', 6);
    expect(tight.visible.map((c) => c.id)).toEqual(['call_8', 'call_9', 'call_10', 'call_11', 'call_12']);
    expect(tight.hidden).toBe(11);
    expect(groupRows(tight)).toBe(6);
    expect(layoutGroup(calls(16), 'call_2', 6).visible[0]?.id).toBe('call_1');
  });
});

describe('ToolCallGroup', () => {
  it('shows every running call, the focused one marked', () => {
    const list = calls(3);
    const frame = render(withProviders(<ToolCallGroup layout={layoutGroup(list, 'call_2', 20)} focusedId="call_2" cancelling={new Set()} now={1500} />)).lastFrame();
    const lines = (frame ?? '').split('\n').map((l) => l.trimEnd());
    expect(lines[0]).toBe('3 tool calls running');
    expect(lines.filter((l) => l.includes('reverse'))).toHaveLength(3);
    expect(lines[3]).toMatch(/^┃  reverse  "word2"/);
    expect(frame).toContain('0/5   0%');
    expect(frame).toContain('1/5  20%');
    expect(frame).toContain('2/5  40%');
  });

  it('shows the hidden count when not all fit', () => {
    const list = calls(10);
    const frame = render(withProviders(<ToolCallGroup layout={layoutGroup(list, 'call_10', 4)} focusedId="call_10" cancelling={new Set()} now={0} />)).lastFrame();
    expect(frame?.split('\n')).toHaveLength(4);
    expect(frame).toContain('+7 more running');
    expect(frame).toContain('"word10"');
  });
});
