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
