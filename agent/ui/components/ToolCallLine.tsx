import { Text } from 'ink';
import type { ToolCallRecord } from '../../core/tool-calls/types.js';
import { useTheme } from '../contexts/ThemeContext.js';
import { safeLine } from '../../../config/terminal-text.js';
import { formatDuration, summariseArgs, toolLabel } from '../format.js';
import type { Theme } from '../theme.js';

function outcome(call: ToolCallRecord, theme: Theme): { icon: string; colour: string | undefined; summary: string } {
  switch (call.status) {
    case 'done':
      return { icon: '✓', colour: theme.success, summary: safeLine(call.result) };
    case 'error':
      return { icon: '✗', colour: theme.error, summary: safeLine(call.error ?? call.result ?? 'failed') };
    default:
      // A call that never ran because it was denied says so in its own words ("denied by you: …").
      if (call.denied) return { icon: '⊘', colour: theme.warning, summary: safeLine(call.error) };
      return { icon: '⊘', colour: theme.warning, summary: call.error && call.error !== 'cancelled by the user' ? `cancelled: ${safeLine(call.error)}` : 'cancelled' };
  }
}

/** A finished call collapsed to one line: `✓ reverse "alpha" · 5.0s · ahpla`. */
export function ToolCallLine({ call }: { call: ToolCallRecord }) {
  const theme = useTheme();
  const { icon, colour, summary } = outcome(call, theme);
  const duration = formatDuration((call.endedAt ?? call.startedAt) - call.startedAt);
  const args = summariseArgs(call.args);
  return (
    <Text wrap="truncate-end">
      <Text color={colour}>{icon}</Text> <Text bold>{toolLabel(call)}</Text>
      {args ? ` ${args}` : ''}
      <Text dimColor>{` · ${duration} · `}</Text>
      <Text color={call.status === 'done' ? undefined : colour}>{summary}</Text>
    </Text>
  );
}
