import { describe, expect, it } from 'vitest';
import { formatCountdown, formatDuration, formatExpiry, summariseArgs } from './format.js';

describe('format', () => {
  it('formats durations at a precision that fits the size', () => {
    expect(formatDuration(0)).toBe('0.0s');
    expect(formatDuration(2149)).toBe('2.1s');
    expect(formatDuration(12_900)).toBe('12s');
    expect(formatDuration(65_000)).toBe('1m05s');
    expect(formatDuration(3_720_000)).toBe('1h02m');
    expect(formatDuration(-5)).toBe('0.0s');
  });

  it('formats countdowns and token expiry', () => {
    expect(formatCountdown(899_001)).toBe('15:00');
    expect(formatCountdown(61_000)).toBe('1:01');
    expect(formatCountdown(-1)).toBe('0:00');
    expect(formatExpiry(1000, 2000)).toBe('token expired');
    expect(formatExpiry(31_000, 1000)).toBe('token expires in 30s');
    expect(formatExpiry(52 * 60_000 + 5000, 0)).toBe('token expires in 52m');
    expect(formatExpiry(5 * 3_600_000, 0)).toBe('token expires in 5h');
  });

  it('summarises arguments on one line', () => {
    expect(summariseArgs({ text: 'alpha' })).toBe('"alpha"');
    expect(summariseArgs({ latitude: 40.71, longitude: -74 })).toBe('latitude=40.71 longitude=-74');
    expect(summariseArgs({ state: 'CA', extra: { a: 1 } })).toBe('state=CA extra={"a":1}');
    expect(summariseArgs({})).toBe('');
    expect(summariseArgs({ text: 'a\nb' })).toBe('"a\\nb"');
    expect(summariseArgs({ text: 'x'.repeat(100) }, 10)).toHaveLength(10);
  });

  it('never lets an argument (which the model may copy from hostile text) put a control on the screen', () => {
    const hostile = { text: '\u001b]0;pwned\u0007\u009b2J\u202eabc', note: 'x\u001b[2K\ry' };
    const summary = summariseArgs(hostile, 200);
    expect(summary).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e]/);
    expect(summary).toBe('text=abc note=x y');
    expect(summariseArgs({ text: '\u009b2J\u001b' })).toBe('"\\u001b"');
  });
});
