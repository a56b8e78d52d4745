import { Box, Text } from 'ink';
import type { ServerLogLine } from '../../core/engine-types.js';
import type { ToolCallRecord } from '../../core/tool-calls/types.js';
import { useTheme } from '../contexts/ThemeContext.js';
import { safeLine } from '../../../config/terminal-text.js';
import { formatDuration, summariseArgs, toolLabel } from '../format.js';
import { ProgressBar, progressCount } from './ProgressBar.js';
import { levelColour } from './ServerLogsView.js';
import { QuestionSlot } from './QuestionSlot.js';
import { Spinner } from './Spinner.js';

/** The open question's draft, the rows it takes, whether its keys answer yet, and the columns it has (the pane's, less the gutter). */
export interface OpenQuestion {
  draft: unknown;
  rows: number;
  ready: boolean;
  columns: number;
}

export interface ToolCallPaneProps {
  call: ToolCallRecord;
  now: number;
  focused: boolean;
  cancelling: boolean;
  /** One line instead of two, when many calls share the screen. */
  compact?: boolean;
  /** The call's question is open below the pane (the focused waiting call only). */
  open?: OpenQuestion;
}

function Progress({ call, now, compact }: { call: ToolCallRecord; now: number; compact: boolean }) {
  if (call.question) return <WaitingLabel behind={call.questionsBehind ?? 0} />;
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

function WaitingLabel({ behind }: { behind: number }) {
  const theme = useTheme();
  return <Text color={theme.warning}>waiting for you{behind > 0 ? ` · ${behind} more question${behind === 1 ? '' : 's'} after this one` : ''}</Text>;
}

/**
 * One running call: name and arguments, progress (bar with count and percent, or spinner and count),
 * the latest message and the elapsed time. The focused pane has a heavy gutter and an inverse title.
 * Drawn with as few Ink nodes as give this layout (a two-line pane's gutter is text inside each
 * row's first text): every pane is laid out again on every frame while calls report progress.
 */
export function ToolCallPane({ call, now, focused, cancelling, compact = false, open }: ToolCallPaneProps) {
  const theme = useTheme();
  // The gutter is text, not a Box border: Ink re-enables hidden border sides when borderStyle changes.
  const gutter = <Text color={focused ? theme.accent : theme.border}>{focused ? '┃' : '│'}</Text>;
  // A two-line pane's gutter is text inside its title; a compact pane keeps it in a box of its own,
  // where the title's shrinking (shared with the message) cannot reach it.
  const title = (
    <Text wrap="truncate-end">
      {compact ? null : <>{gutter} </>}
      <Text bold inverse={focused} color={focused ? theme.accent : undefined}>
        {focused ? ` ${toolLabel(call)} ` : toolLabel(call)}
      </Text>{' '}
      <Text dimColor>{summariseArgs(call.args, compact ? 24 : 48)}</Text>
      {cancelling ? <Text color={theme.warning}> cancelling…</Text> : null}
    </Text>
  );
  const message = <Text wrap="truncate-end">{call.message ? <Text dimColor>{safeLine(call.message)}</Text> : null}</Text>;
  const elapsed = (
    <Box flexShrink={0}>
      <Text dimColor>{formatDuration(now - call.startedAt)}</Text>
    </Box>
  );
  const question =
    open && call.question ? (
      <Box>
        <Box flexShrink={0} width={2}>
          <Text color={theme.accent}>{Array.from({ length: open.rows }, () => '┃').join('\n')}</Text>
        </Box>
        <Box flexGrow={1} flexShrink={1}>
          <QuestionSlot call={call} question={call.question} draft={open.draft} ready={open.ready} columns={open.columns} />
        </Box>
      </Box>
    ) : null;
  if (compact) {
    return (
      <Box flexDirection="column">
        <Box>
          <Box flexShrink={0} width={2}>
            {gutter}
          </Box>
          <Box gap={1} flexGrow={1}>
            <Box flexShrink={1}>{title}</Box>
            <Box flexShrink={0}>
              <Progress call={call} now={now} compact />
            </Box>
            <Box flexGrow={1} flexShrink={1}>
              {message}
            </Box>
            {elapsed}
          </Box>
        </Box>
        {question}
      </Box>
    );
  }
  return (
    <Box flexDirection="column">
      <Box gap={1} justifyContent="space-between">
        {title}
        {elapsed}
      </Box>
      <Box gap={2}>
        <Box flexShrink={0}>
          {/* Cut, not wrapped, where the bar does not fit (under ~30 columns): the pane keeps the two rows the layout counts. */}
          <Text wrap="truncate-end">
            {gutter} <Progress call={call} now={now} compact={false} />
          </Text>
        </Box>
        {message}
      </Box>
      {call.log ? (
        <Text wrap="truncate-end">
          {gutter} <Text color={levelColour(call.log.level as ServerLogLine['level'], theme)}>{safeLine(call.log.level, 16)}</Text>
          <Text dimColor>{` ${safeLine(call.log.text)}`}</Text>
        </Text>
      ) : null}
      {question}
    </Box>
  );
}
