import { Box, Text } from 'ink';
import type { ToolSummary } from '../../core/engine-types.js';
import { useTheme } from '../contexts/ThemeContext.js';

/** /tools: each server tool with its description. */
export function ToolsView({ tools }: { tools: readonly ToolSummary[] }) {
  const theme = useTheme();
  return (
    <Box flexDirection="column">
      <Text bold>{tools.length === 1 ? '1 tool on the server' : `${tools.length} tools on the server`}</Text>
      {tools.map((tool) => (
        <Box key={tool.name} flexDirection="column">
          <Text color={theme.accent}>{tool.name}</Text>
          {tool.description ? (
            <Box paddingLeft={2}>
              <Text dimColor>{tool.description.trim()}</Text>
            </Box>
          ) : null}
        </Box>
      ))}
    </Box>
  );
}
