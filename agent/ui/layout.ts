import type { ToolCallRecord } from '../core/tool-calls/types.js';
import { groupRows, layoutGroup, type GroupLayout } from './components/ToolCallGroup.js';

/**
 * The chat's live region (everything Ink redraws below the transcript), in rows. Ink clears and
 * redraws the whole screen on every frame once that region is as tall as the terminal, so each
 * part's height must be what it really draws: components report their own (`loginPanelRows`,
 * `approvalPanelRows`, `inputBoxRows`, `completionRows`, `groupRows`, a question's `rows`), each
 * tested against its rendering, and
 * `layoutLiveRegion` shares out what is left.
 *
 * Not responsible for drawing, nor for which calls a group shows (ToolCallGroup's layoutGroup).
 */

export interface LiveRegionInput {
  /** The terminal's height. */
  rows: number;
  /** The input box or turn indicator and the status bar, with their margin. */
  bottomRows: number;
  /** Sign-in and approval panels on screen, with their margins (0 when none shows). */
  panelRows: number;
  /** Rows of the open call question's panel (0 when no call waits for the user). */
  questionRows: number;
  /** Assistant text is streaming: it keeps a few rows while calls run. */
  streaming: boolean;
  running: readonly ToolCallRecord[];
  focusedId: string | undefined;
}

/** How the open question shows: its panel in the call's pane, one line on its own (a small terminal), or not at all. */
export type QuestionShown = 'panel' | 'line' | 'hidden';

export interface LiveRegion {
  group: GroupLayout;
  /** Rows of the call group with its margin, or of the question line (0 when neither shows). */
  groupHeight: number;
  /** Rows left for the streaming text (0: it waits off screen). */
  liveRows: number;
  question: QuestionShown;
}

/** Streaming text shows at least this many rows (a margin and a line), or not at all. */
const MIN_LIVE_ROWS = 2;

const noGroup = (running: readonly ToolCallRecord[]): GroupLayout => ({ header: false, compact: true, visible: [], hidden: running.length });

/**
 * Shares the rows the panels and the bottom leave between running calls and streaming text, so
 * the whole region stays one row short of the terminal. An open question comes first: its panel
 * with its call's pane where they fit, else one line naming it (keys answer only what shows).
 * Where a panel leaves too little room (a small terminal), calls and streaming text wait off
 * screen until it closes.
 */
export function layoutLiveRegion(input: LiveRegionInput): LiveRegion {
  const free = input.rows - 1 - input.bottomRows - input.panelRows;
  const asking = input.questionRows > 0;
  // Streaming text keeps a few rows while calls run (not while a question waits); the group has a margin row above it.
  const groupBudget = free - 1 - (input.streaming && !asking ? 3 : 0) - input.questionRows;
  const group = groupBudget >= 1 ? layoutGroup(input.running, input.focusedId, groupBudget) : noGroup(input.running);
  if (group.visible.length > 0 || !asking) {
    const groupHeight = group.visible.length > 0 ? 1 + groupRows(group) + input.questionRows : 0;
    const liveRows = free - groupHeight - 1;
    return { group, groupHeight, liveRows: liveRows >= MIN_LIVE_ROWS ? liveRows : 0, question: asking && group.visible.length > 0 ? 'panel' : 'hidden' };
  }
  // The question's panel does not fit: one line (with its margin) where there is room for it.
  const line = free >= 2;
  const groupHeight = line ? 2 : 0;
  const liveRows = free - groupHeight - 1;
  return { group, groupHeight, liveRows: liveRows >= MIN_LIVE_ROWS ? liveRows : 0, question: line ? 'line' : 'hidden' };
}
