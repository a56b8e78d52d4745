import { Box, Text } from 'ink';
import type { ToolCallRecord } from '../../core/tool-calls/types.js';
import { type OpenQuestion, ToolCallPane } from './ToolCallPane.js';

const FULL_ROWS = 2;

export interface GroupLayout {
  /** "3 tool calls running", when there is a row for it. */
  header: boolean;
  /** One line per call instead of two. */
  compact: boolean;
  visible: readonly ToolCallRecord[];
  /** Calls left out for lack of rows (shown as "+N more"). */
  hidden: number;
}

/**
 * Fits the running calls into `maxRows`: two-line panes while they fit, then one line each,
 * and past that as many as fit around the focused call plus a "+N more" line.
 */
export function layoutGroup(calls: readonly ToolCallRecord[], focusedId: string | undefined, maxRows: number): GroupLayout {
  const n = calls.length;
  if (1 + n * FULL_ROWS <= maxRows) return { header: true, compact: false, visible: calls, hidden: 0 };
  if (n <= maxRows) return { header: n + 1 <= maxRows, compact: true, visible: calls, hidden: 0 };
  const room = Math.max(1, maxRows - 1);
  const focused = calls.findIndex((c) => c.id === focusedId);
  const start = Math.max(0, focused - room + 1);
  const visible = calls.slice(start, start + room);
  return { header: false, compact: true, visible, hidden: n - visible.length };
}

/** Rows a layout takes. */
export function groupRows({ header, compact, visible, hidden }: GroupLayout): number {
  if (visible.length === 0) return 0;
  return (header ? 1 : 0) + visible.length * (compact ? 1 : FULL_ROWS) + (hidden > 0 ? 1 : 0);
}

export interface ToolCallGroupProps {
  layout: GroupLayout;
  focusedId: string | undefined;
  cancelling: ReadonlySet<string>;
  now: number;
  /** The waiting call whose question is open in its pane. */
  open?: OpenQuestion & { id: string };
}

/** Every running call at once, each pane updating on its own. */
export function ToolCallGroup({ layout, focusedId, cancelling, now, open }: ToolCallGroupProps) {
  const { header, compact, visible, hidden } = layout;
  if (visible.length === 0) return null;
  const total = visible.length + hidden;
  return (
    <Box flexDirection="column">
      {header ? <Text dimColor>{total === 1 ? '1 tool call running' : `${total} tool calls running`}</Text> : null}
      {visible.map((call) => (
        <ToolCallPane
          key={call.id}
          call={call}
          now={now}
          focused={call.id === focusedId}
          cancelling={cancelling.has(call.id)}
          compact={compact}
          {...(open?.id === call.id && { open })}
        />
      ))}
      {hidden > 0 ? <Text dimColor>{`+${hidden} more running — Tab moves focus through them`}</Text> : null}
    </Box>
  );
}
