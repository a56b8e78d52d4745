import { describe, expect, it } from 'vitest';
import { FakeTtyOut } from '../../bench/support/fake-terminal.js';
import { stripAnsi } from '../../bench/support/process-timing.js';
import { percentile, slope, summarize } from '../../bench/support/stats.js';

describe('bench statistics', () => {
  it('takes nearest-rank percentiles of unsorted samples', () => {
    const samples = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6];
    expect(percentile(samples, 50)).toBe(5);
    expect(percentile(samples, 95)).toBe(10);
    expect(percentile(samples, 0)).toBe(1);
    expect(percentile([], 50)).toBeNaN();
  });

  it('summarises samples', () => {
    expect(summarize([3, 1, 2])).toEqual({ n: 3, p50: 2, p95: 3, min: 1, max: 3, mean: 2 });
    expect(summarize([]).p50).toBeNaN();
  });

  it('fits a least-squares slope (e.g. bytes per call)', () => {
    expect(slope([{ x: 100, y: 1000 }, { x: 200, y: 2000 }, { x: 300, y: 3000 }])).toBeCloseTo(10);
    expect(slope([{ x: 1, y: 5 }])).toBeNaN();
  });
});

describe('bench fake terminal', () => {
  it('counts the writes of one synchronous run as one frame', async () => {
    const out = new FakeTtyOut(80, 24);
    out.write('\u001B[?2026h');
    out.write('erase + frame one');
    out.write('\u001B[?2026l');
    await Promise.resolve();
    out.write('frame two');
    await Promise.resolve();
    expect(out.frames).toBe(2);
    expect(out.output()).toContain('frame one');
  });

  it('resolves a wait on the next frame that matches', async () => {
    const out = new FakeTtyOut(80, 24, 0);
    let seen = false;
    const ready = out.nextFrame((frame) => stripAnsi(frame).includes('Type a message')).then(() => (seen = true));
    out.write('\u001B[2mconnecting…\u001B[22m');
    await Promise.resolve();
    await Promise.resolve();
    expect(seen).toBe(false);
    out.write('\u001B[2mType a message, or /help\u001B[22m');
    await ready;
    expect(seen).toBe(true);
    expect(out.output()).toBe('');
  });
});
