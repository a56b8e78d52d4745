import { Box, Text } from 'ink';
import { safeLine } from '../../../config/terminal-text.js';
import { useTheme } from '../contexts/ThemeContext.js';
import type { TranscriptItem } from '../transcript.js';
import { CompactionView } from './CompactionView.js';
import { CostView } from './CostView.js';
import { HelpView } from './HelpView.js';
import { Markdown } from './Markdown.js';
import { McpView } from './McpView.js';
import { StatusView } from './StatusView.js';
import { ToolCallLine } from './ToolCallLine.js';
import { ServerLogsView } from './ServerLogsView.js';
import { ToolsView } from './ToolsView.js';
import { Welcome } from './Welcome.js';
import { WrappedText } from './Wrapped.js';

/** Info, notices and errors are one line each (often carrying a server's or provider's words); Ink wraps it. */
const LINE_CHARS = 1000;

function Body({ item, columns }: { item: TranscriptItem; columns: number }) {
  const theme = useTheme();
  switch (item.kind) {
    case 'welcome':
      return <Welcome demo={item.demo} width={columns} />;
    case 'user':
      return (
        <Box width={columns}>
          <Box width={2} flexShrink={0}>
            <Text color={theme.user} bold>
              ›
            </Text>
          </Box>
          <WrappedText text={item.text} width={columns - 2} />
        </Box>
      );
    case 'assistant':
      return (
        <Box width={columns}>
          <Box width={2} flexShrink={0}>
            <Text color={theme.accent}>{item.continued ? ' ' : '◆'}</Text>
          </Box>
          <Markdown text={item.text} width={columns - 2} />
        </Box>
      );
    case 'call':
      return <ToolCallLine call={item.call} />;
    case 'compaction':
      return <CompactionView compaction={item.compaction} />;
    case 'cost':
      return <CostView report={item.report} />;
    case 'info':
      return <WrappedText text={safeLine(item.text, LINE_CHARS)} width={columns} dim />;
    case 'notice':
      return <WrappedText text={`! ${safeLine(item.text, LINE_CHARS)}`} width={columns} color={theme.warning} />;
    case 'error':
      return <WrappedText text={`✗ ${safeLine(item.text, LINE_CHARS)}`} width={columns} color={theme.error} />;
    case 'copy':
      return (
        <Box flexDirection="column">
          <WrappedText text={safeLine(item.label, LINE_CHARS)} width={columns} dim />
          <Text>{safeLine(item.text, LINE_CHARS)}</Text>
        </Box>
      );
    case 'help':
      return <HelpView commands={item.commands} width={columns} {...(item.prompts && { prompts: item.prompts })} />;
    case 'tools':
      return <ToolsView tools={item.tools} width={columns} {...(item.page && { page: item.page })} />;
    case 'server-logs':
      return <ServerLogsView server={item.server} lines={item.lines} total={item.total} />;
    case 'status':
      return <StatusView status={item.status} now={item.now} width={columns} />;
    case 'servers':
      return <McpView servers={item.servers} now={item.now} width={columns} {...(item.of !== undefined && { of: item.of })} />;
  }
}

/**
 * One finished transcript entry, exactly `columns` wide: <Static> lays its items out without the
 * terminal's width, so an entry without one would be as wide as its longest unwrapped line and
 * Ink would wrap the overflow into stray rows. Consecutive call lines sit together; everything
 * else gets a blank line above.
 */
export function TranscriptItemView({ item, previous, columns }: { item: TranscriptItem; previous: TranscriptItem | undefined; columns: number }) {
  const tight = previous === undefined || (item.kind === 'call' && previous.kind === 'call');
  // A command to copy keeps its one line: wider than the terminal, it is the terminal that wraps it.
  const width = item.kind === 'copy' ? Math.max(columns, Array.from(safeLine(item.text, LINE_CHARS)).length) : columns;
  return (
    <Box marginTop={tight ? 0 : 1} width={width} flexDirection="column">
      <Body item={item} columns={columns} />
    </Box>
  );
}
