import { flexWrapRows } from '../text-rows.js';

/**
 * A question's keys as a legend: `key words` items that wrap as whole items (never cut off at the
 * terminal's edge), and the rows they take, which the layout counts.
 */
export type LegendItem = readonly [key: string, words: string];

/** Columns between two items. */
export const LEGEND_GAP = 3;

/** What a not-yet-ready question says instead of its keys (in the rows the legend takes). */
export const NOT_READY = 'keys in a moment — what you type now goes to the input';

export const legendText = ([key, words]: LegendItem): string => `${key} ${words}`;

export function legendRows(items: readonly LegendItem[], columns: number): number {
  return flexWrapRows(
    items.map((item) => Array.from(legendText(item)).length),
    columns,
    LEGEND_GAP,
  );
}
