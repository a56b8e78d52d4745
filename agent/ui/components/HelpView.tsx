import { Box, Text } from 'ink';
import { useTheme } from '../contexts/ThemeContext.js';
import type { CommandHelp } from '../transcript.js';

const KEYS: ReadonlyArray<[string, string]> = [
  ['Enter', 'send the line'],
  ['↑ / ↓', 'input history (while calls run: move focus)'],
  ['Tab', 'move focus between running tool calls (or waiting approvals)'],
  ['Esc', 'cancel the focused tool call (or sign-in); deny the approval in focus'],
  ['y a s n N', 'answer a tool approval: once, always this tool, the server’s read-only tools, deny, deny with a reason'],
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
      <Rows rows={commands.map((c) => [`/${c.name}`, c.description] as const)} width={Math.max(10, ...commands.map((c) => c.name.length + 3))} />
      <Text bold>Keys</Text>
      <Rows rows={KEYS} width={11} />
    </Box>
  );
}
