import wrapAnsi from 'wrap-ansi';

/**
 * How many rows text and wrapping rows of items take on screen, computed the way Ink draws them
 * (wrap-ansi with Ink's options for <Text>, Yoga's flex-wrap for a row of items), so that heights
 * reported to the layout are what the terminal shows.
 *
 * Not responsible for sharing out rows (layout.ts) nor for drawing.
 */

/** Rows `text` takes in a <Text> `columns` wide (its own line breaks count): wrap-ansi as Ink runs it for <Text>. */
export function wrappedRows(text: string, columns: number): number {
  const width = Math.max(1, columns);
  return text.split('\n').reduce((sum, line) => sum + wrapAnsi(line, width, { trim: false, hard: true }).split('\n').length, 0);
}

/**
 * Where one line of text breaks into rows `columns` wide, as code-point ranges of the line: the
 * rows Ink would draw (wrap-ansi, Ink's options), except that the spaces a break leaves at the
 * start of the next row are dropped. Ink draws them, so a wrapped row after one that was exactly
 * full started one column too far right (descriptions indented 3 instead of 2, answers 3 instead of 2).
 */
export function wrapRanges(line: string, columns: number): Array<[start: number, end: number]> {
  const rows = wrapAnsi(line, Math.max(1, columns), { trim: false, hard: true }).split('\n');
  const chars = Array.from(line);
  const ranges: Array<[number, number]> = [];
  let at = 0;
  for (const [i, row] of rows.entries()) {
    const length = Array.from(row).length;
    let start = at;
    // wrap-ansi only inserts line breaks: each row is the next stretch of the line.
    if (i > 0) while (start < at + length && /\s/.test(chars[start] ?? '')) start++;
    ranges.push([start, at + length]);
    at += length;
  }
  return ranges;
}

/**
 * Rows a flex-wrap row of items takes: items of these widths placed left to right with `gap`
 * columns between them, a new row where the next one does not fit (as Yoga wraps a Box).
 */
export function flexWrapRows(widths: readonly number[], columns: number, gap: number): number {
  let rows = 1;
  let used = -gap;
  for (const raw of widths) {
    const width = Math.min(columns, raw);
    if (used + gap + width > columns) {
      rows++;
      used = width;
    } else used += gap + width;
  }
  return rows;
}
