import { Box, Text } from 'ink';
import { safeLine } from '../../../config/terminal-text.js';
import { useTheme } from '../contexts/ThemeContext.js';
import type { TranscriptItem } from '../transcript.js';
import { HelpView } from './HelpView.js';
import { Markdown } from './Markdown.js';
import { McpView } from './McpView.js';
import { StatusView } from './StatusView.js';
import { ToolCallLine } from './ToolCallLine.js';
import { ServerLogsView } from './ServerLogsView.js';
import { ToolsView } from './ToolsView.js';
import { Welcome } from './Welcome.js';

/** Info, notices and errors are one line each (often carrying a server's or provider's words); Ink wraps it. */
const LINE_CHARS = 1000;

function Body({ item, columns }: { item: TranscriptItem; columns: number }) {
  const theme = useTheme();
  switch (item.kind) {
    case 'welcome':
      return <Welcome demo={item.demo} />;
    case 'user':
      return (
        <Text>
          <Text color={theme.user} bold>
            ›{' '}
          </Text>
          {item.text}
        </Text>
      );
    case 'assistant':
      return (
        <Box width={columns}>
          <Box width={2} flexShrink={0}>
            <Text color={theme.accent}>{item.continued ? ' ' : '◆'}</Text>
          </Box>
          <Box width={columns - 2}>
            <Markdown text={item.text} />
          </Box>
        </Box>
      );
    case 'call':
      return <ToolCallLine call={item.call} />;
    case 'info':
      return <Text dimColor>{safeLine(item.text, LINE_CHARS)}</Text>;
    case 'notice':
      return <Text color={theme.warning}>! {safeLine(item.text, LINE_CHARS)}</Text>;
    case 'error':
      return <Text color={theme.error}>✗ {safeLine(item.text, LINE_CHARS)}</Text>;
    case 'help':
      return <HelpView commands={item.commands} />;
    case 'tools':
      return <ToolsView tools={item.tools} {...(item.page && { page: item.page })} />;
    case 'server-logs':
      return <ServerLogsView server={item.server} lines={item.lines} total={item.total} />;
    case 'status':
      return <StatusView status={item.status} now={item.now} />;
    case 'servers':
      return <McpView servers={item.servers} now={item.now} {...(item.of !== undefined && { of: item.of })} />;
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
  return (
    <Box marginTop={tight ? 0 : 1} width={columns} flexDirection="column">
      <Body item={item} columns={columns} />
    </Box>
  );
}
