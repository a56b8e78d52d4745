import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { styledCharsFromTokens, styledCharsToString, tokenize } from '@alcalzone/ansi-tokenize';
import { Box, renderToString, Text } from 'ink';
import { describe, expect, it } from 'vitest';

/**
 * Ink's frame builder is patched (patches/ink+6.8.0.patch, applied by `postinstall`): caches that
 * outlive a frame, one shared blank cell, and a row serialiser that diffs styles only where they
 * change. What reaches the terminal must stay byte for byte what unpatched Ink writes, whose
 * serialiser is @alcalzone/ansi-tokenize's styledCharsToString over every cell of the row.
 */

const COLUMNS = 100;

/** What unpatched Ink writes for these rows of cells (each styled character, or a number of blank cells). */
function reference(row: readonly (string | number)[]): string {
  const cells = row.flatMap((part) =>
    typeof part === 'number' ? Array.from({ length: part }, () => ({ type: 'char' as const, value: ' ', fullWidth: false, styles: [] })) : styledCharsFromTokens(tokenize(part)),
  );
  return styledCharsToString(cells).trimEnd();
}

/** A deterministic generator (mulberry32), so a failure names a case that can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CODES = [
  '\u001B[31m',
  '\u001B[39m',
  '\u001B[1m',
  '\u001B[22m',
  '\u001B[2m',
  '\u001B[42m',
  '\u001B[49m',
  '\u001B[4m',
  '\u001B[24m',
  '\u001B[0m',
  '\u001B[38;5;208m',
  '\u001B[7m',
  '\u001B[27m',
];
const TEXTS = ['reverse', ' ', '  ', '█', '░', '│', 'w000c01x', '0.3s', '✓', '40%'];

/** A line of styled pieces, at most `width` cells wide (every text piece is one cell per character). */
function styledLine(next: () => number, width: number): string {
  let line = '';
  let cells = 0;
  for (let piece = 0; piece < 12; piece++) {
    if (next() < 0.45) line += CODES[Math.floor(next() * CODES.length)];
    const text = TEXTS[Math.floor(next() * TEXTS.length)]!;
    if (cells + text.length > width) break;
    line += text;
    cells += text.length;
  }
  return line;
}

/** Ink's build directory (the patch's files are not among the package's exports). */
const INK_BUILD = dirname(createRequire(import.meta.url).resolve('ink'));

interface BoundedCache {
  get(key: string): unknown;
  set(key: string, value: unknown): unknown;
}

describe('Ink frames with the output patch', () => {
  it('is applied to the installed Ink (npm ci runs patch-package)', () => {
    expect(readFileSync(join(INK_BUILD, 'output.js'), 'utf8')).toContain('Warden patch');
  });

  it('bounds the caches that outlive a frame: what was used recently stays, the rest is forgotten', async () => {
    const { default: Cache } = (await import(pathToFileURL(join(INK_BUILD, 'bounded-cache.js')).href)) as { default: new (limit: number) => BoundedCache };
    const cache = new Cache(100);
    let statusComputed = 0;
    for (let frame = 0; frame < 50; frame++) {
      // Every frame draws the same status line (looked up as Ink does) and 20 lines of its own.
      if (cache.get('status') === undefined) {
        statusComputed++;
        cache.set('status', 'kept');
      }
      for (let line = 0; line < 20; line++) cache.set(`frame ${frame} line ${line}`, line);
    }
    expect(statusComputed).toBe(1);
    expect(cache.get('frame 49 line 0')).toBe(0);
    expect(cache.get('frame 0 line 0')).toBeUndefined();
    const held = cache as unknown as { young: Map<string, unknown>; old: Map<string, unknown> };
    expect(held.young.size + held.old.size).toBeLessThanOrEqual(200);
  });

  it('writes what unpatched Ink writes for styled text, style runs, resets and trailing styled blanks', () => {
    const lines = [
      '\u001B[31mred\u001B[39m plain \u001B[1mbold\u001B[22m',
      '\u001B[1m\u001B[31mA\u001B[39mB\u001B[22m C',
      '\u001B[42mab \u001B[49m',
      '\u001B[2m░░░\u001B[22m\u001B[38;5;208m███\u001B[39m 2/5  40%',
      '世界 \u001B[4m世\u001B[24m!',
      // Styled up to the last column: the row ends in a styled cell, so the reset comes at its end.
      `\u001B[42m${'x'.repeat(COLUMNS - 4)}\u001B[1mend!`,
    ];
    for (const line of lines) expect(renderToString(<Text>{line}</Text>, { columns: COLUMNS })).toBe(reference([line]));
  });

  it('matches unpatched Ink on 300 generated rows with blank cells between two texts', () => {
    const next = random(17);
    for (let i = 0; i < 300; i++) {
      const left = styledLine(next, 40);
      const gap = 1 + Math.floor(next() * 5);
      const right = styledLine(next, 40);
      const frame = renderToString(
        <Box>
          <Text>{left}</Text>
          <Box marginLeft={gap}>
            <Text>{right}</Text>
          </Box>
        </Box>,
        { columns: COLUMNS },
      );
      const leftCells = [...tokenize(left)].filter((t) => t.type === 'char').length;
      expect(frame, `case ${i}: ${JSON.stringify([left, gap, right])}`).toBe(reference(leftCells === 0 ? [gap, right] : [left, gap, right]));
    }
  });

  it('draws the same frame twice from its caches', () => {
    const tree = (
      <Box flexDirection="column">
        <Text>{'\u001B[36m│\u001B[39m reverse \u001B[2m"w000c01x"\u001B[22m'}</Text>
        <Text>{'\u001B[36m│\u001B[39m ████░░░░ 2/5  40%'}</Text>
      </Box>
    );
    const first = renderToString(tree, { columns: COLUMNS });
    expect(renderToString(tree, { columns: COLUMNS })).toBe(first);
    expect(first.split('\n')).toEqual([reference(['\u001B[36m│\u001B[39m reverse \u001B[2m"w000c01x"\u001B[22m']), reference(['\u001B[36m│\u001B[39m ████░░░░ 2/5  40%'])]);
  });
});
