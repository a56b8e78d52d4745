import { describe, expect, it } from 'vitest';
import { capText, createStreamStripper, safeBlock, safeLine, stripControls } from '../../config/terminal-text.js';

const ESC = '\u001b';
/** Nothing a terminal would act on: no C0 but newline, no DEL, no C1, no bidi controls. */
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

describe('terminal-safe text', () => {
  it.each([
    ['window title (OSC 0, BEL)', `${ESC}]0;pwned\u0007ok`, 'ok'],
    ['clipboard write (OSC 52, ST)', `${ESC}]52;c;ZXZpbA==${ESC}\\ok`, 'ok'],
    ['cursor move and erase line (CSI)', `a${ESC}[2K${ESC}[1;1Hb`, 'ab'],
    ['colour (SGR)', `${ESC}[31mred${ESC}[0m`, 'red'],
    ['8-bit CSI', `a\u009b2Jb`, 'ab'],
    ['8-bit OSC', `a\u009d0;t\u009cb`, 'ab'],
    ['DCS string', `a${ESC}Pq#0;2;0;0;0${ESC}\\b`, 'ab'],
    ['charset switch', `a${ESC}(0b`, 'ab'],
    ['backspace and bell', 'ab\bc\u0007', 'abc'],
    ['bidi override', 'abc\u202edef', 'abcdef'],
    ['lone ESC at the end', `ok${ESC}`, 'ok'],
  ])('removes %s', (_name, input, expected) => {
    expect(stripControls(input)).toBe(expected);
  });

  it('turns CR into a line break in blocks, so a line can never be overwritten from its start', () => {
    expect(stripControls('[reverse#1] 1/5\r[reverse#1] ✓ 0.0 s all good', { keepNewlines: true })).toBe('[reverse#1] 1/5\n[reverse#1] ✓ 0.0 s all good');
    expect(safeLine('1/5\r\n[reverse#1] ✓ forged')).toBe('1/5 [reverse#1] ✓ forged');
  });

  it('keeps ordinary text, emoji and wide characters', () => {
    expect(safeLine('Step 2 of 5 — 東京 🌧️ ok')).toBe('Step 2 of 5 — 東京 🌧️ ok');
  });

  it('caps a line to its width with an ellipsis, without splitting a surrogate pair', () => {
    expect(safeLine('x'.repeat(500), 10)).toBe(`${'x'.repeat(9)}…`);
    expect(capText('😀😀😀', 2)).toBe('😀…');
  });

  it('handles a 200k-character message with escapes in bounded time and output', () => {
    const hostile = `${ESC}]0;`.repeat(50_000) + 'x'.repeat(200_000);
    const started = performance.now();
    const line = safeLine(hostile, 120);
    const block = safeBlock(hostile);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(line.length).toBeLessThanOrEqual(120);
    expect(block.length).toBeLessThan(40 * 401 + 100);
    expect(line).not.toMatch(CONTROL);
    expect(block).not.toMatch(CONTROL);
  });

  it('keeps newlines in a block, caps lines and line count, and says what it left out', () => {
    const block = safeBlock(`one\n${ESC}[2Atwo\n${'y'.repeat(50)}\nfour`, { maxLines: 3, maxLineChars: 10 });
    expect(block.split('\n')).toEqual(['one', 'two', `${'y'.repeat(9)}…`, '… (1 more line not shown)']);
  });

  it('shows a non-string field (a server lying about types) as JSON, never as an object', () => {
    expect(safeLine({ a: `${ESC}[2J` })).toBe('{"a":"\\u001b[2J"}');
    expect(safeLine(undefined)).toBe('');
  });

  it('strips a streamed text piece by piece exactly as the whole text, even when a sequence or CRLF is split', () => {
    const whole = `Hi ${ESC}]0;pw\rned\u0007there\r\n${ESC}[31mred${ESC}[0m and ${ESC}]52;c;ZXZpbA==${ESC}\\done\r[x] forged`;
    for (let size = 1; size <= 7; size++) {
      const stripper = createStreamStripper();
      let out = '';
      for (let i = 0; i < whole.length; i += size) out += stripper.push(whole.slice(i, i + size));
      out += stripper.end();
      expect(out).toBe(stripControls(whole, { keepNewlines: true }));
    }
    expect(stripControls(whole, { keepNewlines: true })).toBe('Hi there\nred and done\n[x] forged');
  });

  it('lets ordinary text through a stream at once, holding back only an unfinished sequence', () => {
    const stripper = createStreamStripper();
    expect(stripper.push(`${ESC}[1mbold${ESC}[0m text`)).toBe('bold text');
    expect(stripper.push(`more ${ESC}]0;ti`)).toBe('more ');
    expect(stripper.push('tle\u0007 after')).toBe(' after');
    expect(stripper.push(`tail ${ESC}`)).toBe('tail ');
    expect(stripper.end()).toBe('');
  });
});
