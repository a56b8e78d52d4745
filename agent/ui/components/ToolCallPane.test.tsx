import { Box } from 'ink';
import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import type { ToolCallRecord } from '../../core/tool-calls/types.js';
import { withProviders } from '../testing/render.js';
import { ToolCallPane } from './ToolCallPane.js';
import { dirty, FORGED_LINE, TERMINAL_CONTROL } from '../../../test/helpers/hostile-text.js';

afterEach(() => cleanup());

const call = (patch: Partial<ToolCallRecord> = {}): ToolCallRecord => ({
  id: 'call_1',
  tool: 'reverse',
  args: { text: 'alpha' },
  status: 'running',
  progressEvents: 0,
  startedAt: 0,
  ...patch,
});

const show = (props: Partial<Parameters<typeof ToolCallPane>[0]> & { call: ToolCallRecord }): string[] =>
  (render(withProviders(<ToolCallPane now={2100} focused={false} cancelling={false} {...props} />)).lastFrame() ?? '').split('\n').map((l) => l.trimEnd());

describe('ToolCallPane', () => {
  it('shows name, arguments, elapsed time, a bar with count and percent, and the latest message', () => {
    const lines = show({ call: call({ progress: 2, total: 5, message: 'step 2 of 5', progressEvents: 2 }) });
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^│ reverse "alpha" +2\.1s$/);
    expect(lines[1]).toBe('│ ████████░░░░░░░░░░░░ 2/5  40%  step 2 of 5');
  });

  it('labels a call of one of several servers `server › tool`, with nothing a server named that steers the terminal', () => {
    expect(show({ call: call({ server: 'weather' }) })[0]).toMatch(/^│ weather › reverse "alpha" +2\.1s$/);
    expect(show({ call: call({ server: 'evil\u001b[2J', tool: 'x\u001b]0;t\u0007y' }) })[0]).toMatch(/^│ evil › xy "alpha" +2\.1s$/);
  });

  it('shows a spinner and a count when the total is unknown', () => {
    expect(show({ call: call({ progress: 7 }) })[1]).toBe('│ ⠙ 7 so far');
    expect(show({ call: call() })[1]).toBe('│ ⠙ starting…');
    expect(show({ call: call({ status: 'queued' }) })[1]).toBe('│ queued');
  });

  it('marks the focused pane with a heavy border and a padded title, and says when it is being cancelled', () => {
    const lines = show({ call: call(), focused: true, cancelling: true });
    expect(lines[0]).toMatch(/^┃  reverse  "alpha" cancelling… +2\.1s$/);
    expect(lines[1]?.startsWith('┃')).toBe(true);
  });

  it('shows the latest server log message that came with the call under its progress, terminal-safe', () => {
    const lines = show({ call: call({ progress: 1, total: 5, log: { level: 'warning', text: 'slow upstream\u001b]0;x\u0007' } }) });
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe('│ warning slow upstream');
  });

  it('keeps its two rows in a terminal too narrow for the bar, cutting the bar row (the layout counts two)', () => {
    const narrow = render(
      withProviders(
        <Box width={20} flexDirection="column">
          <ToolCallPane call={call({ progress: 2, total: 5, message: 'step 2 of 5' })} now={2100} focused={false} cancelling={false} />
        </Box>,
      ),
    );
    const lines = (narrow.lastFrame() ?? '').split('\n').map((l) => l.trimEnd());
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^│ █+░+…$/);
  });

  it('fits on one line in compact mode', () => {
    const lines = show({ call: call({ progress: 1, total: 4, message: 'working' }), compact: true });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^│ reverse "alpha" ███░░░░░░░ 1\/4  25% working +2\.1s$/);
  });

  it('shows a hostile tool name, arguments and message as terminal-safe single lines', () => {
    const hostile = call({ tool: dirty('evil'), args: { text: dirty('arg') }, progress: 1, total: 3, message: `${dirty('step')}\r${FORGED_LINE}`, progressEvents: 1 });
    for (const compact of [false, true]) {
      const lines = show({ call: hostile, compact });
      expect(lines.join('\n')).not.toMatch(TERMINAL_CONTROL);
      expect(lines).toHaveLength(compact ? 1 : 2);
      expect(lines[0]).toMatch(/^│ evil /);
      expect(lines.every((l) => l.startsWith('│ '))).toBe(true);
    }
    expect(show({ call: hostile })[1]).toContain(`step ${FORGED_LINE}`);
  });

  it('cuts a 200k-character message to a line with an ellipsis, quickly', () => {
    const started = performance.now();
    const lines = show({ call: call({ progress: 1, total: 3, message: `start ${'x'.repeat(200_000)}`, progressEvents: 1 }) });
    expect(performance.now() - started).toBeLessThan(1000);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/start x+…$/);
  });
});
