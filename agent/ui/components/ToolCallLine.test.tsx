import { cleanup, render } from 'ink-testing-library';
import { Box } from 'ink';
import { afterEach, describe, expect, it } from 'vitest';
import type { ToolCallRecord } from '../../core/tool-calls/types.js';
import { withProviders } from '../testing/render.js';
import { ToolCallLine } from './ToolCallLine.js';
import { dirty, FORGED_LINE, TERMINAL_CONTROL } from '../../../test/helpers/hostile-text.js';

afterEach(() => cleanup());

const finished = (patch: Partial<ToolCallRecord>): ToolCallRecord => ({
  id: 'call_1',
  tool: 'reverse',
  args: { text: 'alpha' },
  status: 'done',
  progressEvents: 5,
  startedAt: 1000,
  endedAt: 6000,
  ...patch,
});

const show = (call: ToolCallRecord, width = 100): string =>
  render(
    withProviders(
      <Box width={width}>
        <ToolCallLine call={call} />
      </Box>,
    ),
  ).lastFrame() ?? '';

describe('ToolCallLine', () => {
  it('collapses a finished call to one line with ✓, duration and the result', () => {
    expect(show(finished({ result: 'ahpla' }))).toBe('✓ reverse "alpha" · 5.0s · ahpla');
  });

  it('shows ✗ and the error message for failures', () => {
    const call = finished({ tool: 'get_forecast', args: { latitude: 1, longitude: 2 }, status: 'error', error: 'NWS answered 404: outside the US', endedAt: 1300 });
    expect(show(call)).toBe('✗ get_forecast latitude=1 longitude=2 · 0.3s · NWS answered 404: outside the US');
  });

  it('says cancelled, with the reason when it is not the user', () => {
    expect(show(finished({ status: 'cancelled', error: 'cancelled by the user', endedAt: 2200 }))).toBe('⊘ reverse "alpha" · 1.2s · cancelled');
    expect(show(finished({ status: 'cancelled', error: 'turn cancelled', endedAt: 2200 }))).toBe('⊘ reverse "alpha" · 1.2s · cancelled: turn cancelled');
  });

  it('says why a call that never ran was denied', () => {
    expect(show(finished({ status: 'cancelled', error: 'denied by you: not that file', denied: 'user', endedAt: 1000 }))).toBe(
      '⊘ reverse "alpha" · 0.0s · denied by you: not that file',
    );
  });

  it('keeps long, multi-line results on one line within the width', () => {
    const frame = show(finished({ result: `line one\nline two ${'x'.repeat(200)}` }), 60);
    expect(frame.split('\n')).toHaveLength(1);
    expect([...frame].length).toBeLessThanOrEqual(60);
    expect(frame).toMatch(/^✓ reverse "alpha" · 5\.0s · line one line two x+…$/);
  });

  it('shows a hostile result or error on its one line without controls', () => {
    const done = show(finished({ tool: dirty('evil'), result: `${dirty('ok')}\r${FORGED_LINE}` }));
    const failed = show(finished({ status: 'error', error: `${dirty('boom')}\n${FORGED_LINE}` }));
    for (const frame of [done, failed]) {
      expect(frame).not.toMatch(TERMINAL_CONTROL);
      expect(frame.split('\n')).toHaveLength(1);
    }
    expect(done).toMatch(/^✓ evil "alpha" · 5\.0s · ok \[reverse#1\]/);
    expect(failed).toMatch(/^✗ reverse "alpha" · 5\.0s · boom \[reverse#1\]/);
  });
});
