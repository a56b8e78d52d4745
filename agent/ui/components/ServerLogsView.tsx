import { Box, Text } from 'ink';
import { safeLine } from '../../../config/terminal-text.js';
import type { ServerLogLine } from '../../core/engine-types.js';
import { useTheme } from '../contexts/ThemeContext.js';
import type { Theme } from '../theme.js';

/** Colour of a log level: errors and worse in the error colour, warnings in the warning colour. */
export function levelColour(level: ServerLogLine['level'], theme: Theme): string | undefined {
  if (level === 'warning') return theme.warning;
  if (level === 'debug' || level === 'info' || level === 'notice') return undefined;
  return theme.error;
}

/** One log line: `level logger: text` (the text is a server's: made safe again here). */
export function LogLineView({ line }: { line: ServerLogLine }) {
  const theme = useTheme();
  return (
    <Text wrap="truncate-end">
      <Text color={levelColour(line.level, theme)}>{line.level}</Text>
      {line.logger ? <Text dimColor>{` ${safeLine(line.logger, 64)}`}</Text> : null}
      {`: ${safeLine(line.text, 300)}`}
    </Text>
  );
}

/** /mcp logs NAME: a server's log messages, newest last. Renders only. */
export function ServerLogsView({ server, lines, total }: { server: string; lines: readonly ServerLogLine[]; total: number }) {
  return (
    <Box flexDirection="column">
      <Text
        bold
      >{`${safeLine(server, 64)}: ${total === 0 ? 'no log messages' : total === lines.length ? `${total} log messages` : `the last ${lines.length} of ${total} log messages`}`}</Text>
      {lines.map((line, i) => (
        <LogLineView key={i} line={line} />
      ))}
    </Box>
  );
}
