import type { ToolCallRecord } from '../core/tool-calls/types.js';
import { groupRows, layoutGroup, type GroupLayout } from './components/ToolCallGroup.js';

/**
 * The chat's live region (everything Ink redraws below the transcript), in rows. Ink clears and
 * redraws the whole screen on every frame once that region is as tall as the terminal, so each
 * part's height must be what it really draws: components report their own (`loginPanelRows`,
 * `approvalPanelRows`, `statusBarRows`, `groupRows`), each tested against its rendering, and
 * `layoutLiveRegion` shares out what is left.
 *
 * Not responsible for drawing, nor for which calls a group shows (ToolCallGroup's layoutGroup).
 */

/** One wrapped line of plain text: wrap-ansi's algorithm as Ink runs it for <Text> (no trimming, hard breaks). */
function lineRows(line: string, columns: number): number {
  let rows = 1;
  let current = 0;
  for (const [index, word] of line.split(' ').entries()) {
    const length = [...word].length;
    if (index !== 0) {
      if (current >= columns) {
        rows++;
        current = 0;
      }
      current++;
    }
    if (length > columns) {
      // A word longer than a row is broken where the row ends.
      const thisLine = 1 + Math.floor((length - (columns - current) - 1) / columns);
      const nextLine = Math.floor((length - 1) / columns);
      if (nextLine < thisLine) {
        rows++;
        current = 0;
      }
      for (let i = 0; i < length; i++) {
        if (current + 1 > columns) {
          rows++;
          current = 0;
        }
        current++;
        if (current === columns && i < length - 1) {
          rows++;
          current = 0;
        }
      }
      continue;
    }
    if (current + length > columns && current > 0 && length > 0) {
      rows++;
      current = 0;
    }
    current += length;
  }
  return rows;
}

/** Rows `text` takes in a <Text> `columns` wide (its own line breaks count). */
export function wrappedRows(text: string, columns: number): number {
  const width = Math.max(1, columns);
  return text.split('\n').reduce((sum, line) => sum + lineRows(line, width), 0);
}

export interface LiveRegionInput {
  /** The terminal's height. */
  rows: number;
  /** The input box or turn indicator and the status bar, with their margin. */
  bottomRows: number;
  /** Sign-in and approval panels on screen, with their margins (0 when none shows). */
  panelRows: number;
  /** Rows of calls' open questions (approval prompts inside the group). */
  questionRows: number;
  /** Assistant text is streaming: it keeps a few rows while calls run. */
  streaming: boolean;
  running: readonly ToolCallRecord[];
  focusedId: string | undefined;
}

export interface LiveRegion {
  group: GroupLayout;
  /** Rows of the call group with its margin (0 when no call runs). */
  groupHeight: number;
  /** Rows left for the streaming text (0: it waits off screen). */
  liveRows: number;
}

/** Streaming text shows at least this many rows (a margin and a line), or not at all. */
const MIN_LIVE_ROWS = 2;

/**
 * Shares the rows the panels and the bottom leave between running calls and streaming text, so
 * the whole region stays one row short of the terminal. Where a panel leaves too little room
 * (a small terminal), calls and streaming text wait off screen until it closes.
 */
export function layoutLiveRegion(input: LiveRegionInput): LiveRegion {
  const free = input.rows - 1 - input.bottomRows - input.panelRows;
  // Streaming text keeps a few rows while calls run; the group has a margin row above it.
  const groupBudget = free - 1 - (input.streaming ? 3 : 0) - input.questionRows;
  const group = groupBudget >= 1 ? layoutGroup(input.running, input.focusedId, groupBudget) : { header: false, compact: true, visible: [], hidden: input.running.length };
  const groupHeight = group.visible.length > 0 ? 1 + groupRows(group) + input.questionRows : 0;
  const liveRows = free - groupHeight - 1;
  return { group, groupHeight, liveRows: liveRows >= MIN_LIVE_ROWS ? liveRows : 0 };
}
