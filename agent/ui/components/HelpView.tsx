import { Box, Text } from 'ink';
import { useTheme } from '../contexts/ThemeContext.js';
import type { CommandHelp } from '../transcript.js';

const KEYS: ReadonlyArray<[string, string]> = [
  ['Enter', 'send the line'],
  ['↑ / ↓', 'input history (while calls run: move focus)'],
  ['Tab', 'move focus between running tool calls'],
  ['Esc', 'cancel the focused tool call (or sign-in)'],
  ['Ctrl-C', 'cancel the turn; twice within 2 s exits'],
];

function Rows({ rows, width }: { rows: ReadonlyArray<readonly [string, string]>; width: number }) {
  const theme = useTheme();
  return (
    <>
      {rows.map(([name, text]) => (
        <Box key={name}>
          <Box width={width} flexShrink={0}>
            <Text color={theme.accent}>{name}</Text>
          </Box>
          <Text>{text}</Text>
        </Box>
      ))}
    </>
  );
}

/** /help: the slash commands and the keys. */
export function HelpView({ commands }: { commands: readonly CommandHelp[] }) {
  return (
    <Box flexDirection="column">
      <Text bold>Commands</Text>
      <Rows rows={commands.map((c) => [`/${c.name}`, c.description] as const)} width={10} />
      <Text bold>Keys</Text>
      <Rows rows={KEYS} width={10} />
    </Box>
  );
}
