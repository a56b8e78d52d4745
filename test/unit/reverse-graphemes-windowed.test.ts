import { describe, expect, it } from 'vitest';
import { graphemes } from '../../mcp-server/tools/reverse.js';

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const whole = (text: string): string[] => Array.from(segmenter.segment(text), (s) => s.segment);

/** Pieces whose clusters span windows in every way the rules allow: flag runs, ZWJ sequences, CR LF, Hangul, Indic, zalgo. */
const PIECES = ['a', 'e\u0301', '👨‍👩‍👧', '🇩🇪', '🇫', '\r\n', '\r', '\n', '👋🏿', 'क्षि', 'ก้', '\u200d', ' ', '한', 'ᄀ', 'ᅡ', 'ᆨ', `z${'\u0301'.repeat(3000)}`];

/** Deterministic pseudo-random texts (a fixed seed keeps failures reproducible). */
function* texts(count: number): Generator<string> {
  let seed = 7;
  const next = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let i = 0; i < count; i++) {
    let text = '';
    const length = Math.floor(next() * 600);
    for (let j = 0; j < length; j++) {
      const piece = PIECES[Math.floor(next() * PIECES.length)] as string;
      if (piece.length < 100 || next() < 0.1) text += piece;
    }
    yield text;
  }
}

describe('graphemes (segmented window by window for linear time)', () => {
  it('splits ASCII (the fast path) exactly as the segmenter does, CR LF included', () => {
    const ascii = Array.from({ length: 128 }, (_, c) => String.fromCharCode(c)).join('');
    for (const text of [ascii, 'a\r\nb\r\r\n\n\rc', '', ' x\n\r', `${ascii}\r\n${ascii}`]) expect(graphemes(text)).toEqual(whole(text));
  });

  it('splits exactly as segmenting the whole text does, across window edges', () => {
    for (const text of texts(200)) expect(graphemes(text)).toEqual(whole(text));
  });

  it('keeps one cluster longer than a window whole', () => {
    const zalgo = `a${'\u0301'.repeat(5000)}`;
    expect(graphemes(`${zalgo}b${zalgo}`)).toEqual([zalgo, 'b', zalgo]);
  });
});
