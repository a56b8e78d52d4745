import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { percent, ProgressBar, progressCount } from './ProgressBar.js';

afterEach(() => cleanup());

describe('ProgressBar', () => {
  it('draws 20 cells with progress/total and percent', () => {
    const { lastFrame } = render(<ProgressBar progress={3} total={5} />);
    expect(lastFrame()).toBe('████████████░░░░░░░░ 3/5  60%');
  });

  it('clamps, shows fractions briefly, and never claims 100% early', () => {
    expect(render(<ProgressBar progress={7} total={5} cells={10} />).lastFrame()).toBe('██████████ 7/5 100%');
    expect(render(<ProgressBar progress={0.5} total={2} cells={4} />).lastFrame()).toBe('█░░░ 0.5/2  25%');
    expect(percent(999, 1000)).toBe(99);
    expect(percent(-1, 10)).toBe(0);
  });

  it('counts progress when the total is unknown', () => {
    expect(progressCount(undefined)).toBe('starting…');
    expect(progressCount(12)).toBe('12 so far');
  });
});
