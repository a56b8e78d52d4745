import { Box, Text } from 'ink';
import { useTheme } from '../contexts/ThemeContext.js';
import { WrappedText } from './Wrapped.js';
import { safeLine } from '../../../config/terminal-text.js';
import type { CommandHelp, PromptHelp } from '../transcript.js';

const KEYS: ReadonlyArray<[string, string]> = [
  ['Enter', 'send the line'],
  ['↑ / ↓', 'input history (while calls run: move focus)'],
  ['Tab', 'move focus between running tool calls (or waiting approvals)'],
  ['Esc', 'cancel the focused tool call (or sign-in); deny the approval in focus'],
  ['y a s n N', 'answer a tool approval: once, always this tool, the server’s read-only tools, deny, deny with a reason'],
  ['Ctrl-C', 'cancel the turn; twice within 2 s exits'],
];

function Rows({ rows, width, columns }: { rows: ReadonlyArray<readonly [string, string]>; width: number; columns: number }) {
  const theme = useTheme();
  return (
    <>
      {rows.map(([name, text]) => (
        <Box key={name}>
          <Box width={width} flexShrink={0}>
            <Text color={theme.accent}>{name}</Text>
          </Box>
          <WrappedText text={text} width={Math.max(1, columns - width)} />
        </Box>
      ))}
    </>
  );
}

/** /help: the slash commands, the servers' MCP prompts (their names and words made terminal-safe), and the keys. */
export function HelpView({ commands, prompts = [], width }: { commands: readonly CommandHelp[]; prompts?: readonly PromptHelp[]; width: number }) {
  const theme = useTheme();
  return (
    <Box flexDirection="column" width={width}>
      <Text bold>Commands</Text>
      <Rows rows={commands.map((c) => [`/${c.name}`, c.description] as const)} width={Math.max(10, ...commands.map((c) => c.name.length + 3))} columns={width} />
      {prompts.length > 0 ? (
        <>
          <Text bold>MCP prompts (Tab completes their arguments)</Text>
          {/* Usage on its own line (it may be long), the server's description under it. */}
          {prompts.map((p) => (
            <Box key={p.usage} flexDirection="column">
              <Text color={theme.accent} wrap="truncate-end">
                {safeLine(p.usage, 200)}
              </Text>
              {p.description !== '' ? (
                <Box marginLeft={2}>
                  <WrappedText text={safeLine(p.description, 300)} width={Math.max(1, width - 2)} />
                </Box>
              ) : null}
            </Box>
          ))}
        </>
      ) : null}
      <Text bold>Keys</Text>
      <Rows rows={KEYS} width={11} columns={width} />
    </Box>
  );
}
