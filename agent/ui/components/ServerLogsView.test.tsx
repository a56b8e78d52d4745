import '../testing/force-color.js';
import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import type { ServerLogLine } from '../../core/engine-types.js';
import { withProviders } from '../testing/render.js';
import { monochromeTheme } from '../theme.js';
import { ServerLogsView } from './ServerLogsView.js';
import { dirty, FORGED_LINE, TERMINAL_CONTROL } from '../../../test/helpers/hostile-text.js';

afterEach(() => cleanup());

const show = (lines: ServerLogLine[], total: number, theme = monochromeTheme) =>
  (render(withProviders(<ServerLogsView server="local" lines={lines} total={total} />, { theme })).lastFrame() ?? '')
    .replace(/\u001b\[[\d;]*m/g, '')
    .split('\n')
    .map((l) => l.trimEnd());

describe('ServerLogsView', () => {
  it('heads the lines with how many there are of how many, each as level, logger and text', () => {
    const lines: ServerLogLine[] = [
      { at: 1, level: 'info', text: 'started' },
      { at: 2, level: 'error', logger: 'db', text: 'connection lost' },
    ];
    expect(show(lines, 2)).toEqual(['local: 2 log messages', 'info: started', 'error db: connection lost']);
    expect(show(lines, 60)[0]).toBe('local: the last 2 of 60 log messages');
    expect(show([], 0)).toEqual(['local: no log messages']);
  });

  it('colours levels by severity and draws no control a server put in its text or logger name', () => {
    const frame =
      render(
        withProviders(<ServerLogsView server={dirty('evil')} lines={[{ at: 1, level: 'warning', logger: dirty('log'), text: `${dirty('bad')}\n${FORGED_LINE}` }]} total={1} />),
      ).lastFrame() ?? '';
    // Only colour codes (SGR) are left: no other escape sequence of the server's.
    expect(frame.replace(/\u001b\[[\d;]*m/g, '')).not.toMatch(TERMINAL_CONTROL);
    expect(frame.split('\n')).toHaveLength(2);
    // Warnings in the warning colour (yellow: 33).
    expect(frame).toMatch(/\u001b\[33mwarning/);
  });
});
