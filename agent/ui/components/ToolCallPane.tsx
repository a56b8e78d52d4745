import { Box, Text } from 'ink';
import type { ToolCallRecord } from '../../core/tool-calls/types.js';
import { useTheme } from '../contexts/ThemeContext.js';
import { safeLine } from '../../../config/terminal-text.js';
import { formatDuration, summariseArgs, toolLabel } from '../format.js';
import { ProgressBar, progressCount } from './ProgressBar.js';
import { Spinner } from './Spinner.js';

export interface ToolCallPaneProps {
  call: ToolCallRecord;
  now: number;
  focused: boolean;
  cancelling: boolean;
  /** One line instead of two, when many calls share the screen. */
  compact?: boolean;
}

function Progress({ call, now, compact }: { call: ToolCallRecord; now: number; compact: boolean }) {
  if (call.status === 'queued') return <Text dimColor>queued</Text>;
  if (call.total !== undefined && call.total > 0 && call.progress !== undefined) {
    return <ProgressBar progress={call.progress} total={call.total} cells={compact ? 10 : undefined} />;
  }
  return (
    <Text>
      <Spinner now={now} /> {progressCount(call.progress)}
    </Text>
  );
}

/**
 * One running call: name and arguments, progress (bar with count and percent, or spinner and count),
 * the latest message and the elapsed time. The focused pane has a heavy gutter and an inverse title.
 */
export function ToolCallPane({ call, now, focused, cancelling, compact = false }: ToolCallPaneProps) {
  const theme = useTheme();
  const title = (
    <Text wrap="truncate-end">
      <Text bold inverse={focused} color={focused ? theme.accent : undefined}>
        {focused ? ` ${toolLabel(call)} ` : toolLabel(call)}
      </Text>{' '}
      <Text dimColor>{summariseArgs(call.args, compact ? 24 : 48)}</Text>
      {cancelling ? <Text color={theme.warning}> cancelling…</Text> : null}
    </Text>
  );
  const message = call.message ? <Text dimColor>{safeLine(call.message)}</Text> : null;
  const elapsed = <Text dimColor>{formatDuration(now - call.startedAt)}</Text>;
  // The gutter is text, not a Box border: Ink re-enables hidden border sides when borderStyle changes.
  const gutter = (
    <Box flexShrink={0} width={2}>
      <Text color={focused ? theme.accent : theme.border}>{focused ? '┃' : '│'}</Text>
    </Box>
  );
  if (compact) {
    return (
      <Box>
        {gutter}
        <Box gap={1} flexGrow={1}>
          <Box flexShrink={1}>{title}</Box>
          <Box flexShrink={0}>
            <Progress call={call} now={now} compact />
          </Box>
          <Box flexGrow={1} flexShrink={1}>
            <Text wrap="truncate-end">{message}</Text>
          </Box>
          <Box flexShrink={0}>{elapsed}</Box>
        </Box>
      </Box>
    );
  }
  return (
    <Box flexDirection="column">
      <Box>
        {gutter}
        <Box gap={1} flexGrow={1}>
          <Box flexGrow={1} flexShrink={1}>
            {title}
          </Box>
          <Box flexShrink={0}>{elapsed}</Box>
        </Box>
      </Box>
      <Box>
        {gutter}
        <Box gap={2} flexGrow={1}>
          <Box flexShrink={0}>
            <Progress call={call} now={now} compact={false} />
          </Box>
          <Box flexShrink={1}>
            <Text wrap="truncate-end">{message}</Text>
          </Box>
        </Box>
      </Box>
    </Box>
  );
}
