import { Box, Text } from 'ink';
import type { ToolSummary } from '../../core/engine-types.js';
import { useTheme } from '../contexts/ThemeContext.js';
import { toolLabel } from '../format.js';

/** /tools: each tool (`server › tool` with several servers) with its description. */
export function ToolsView({ tools }: { tools: readonly ToolSummary[] }) {
  const theme = useTheme();
  return (
    <Box flexDirection="column">
      <Text bold>{`${tools.length === 1 ? '1 tool' : `${tools.length} tools`} ${tools.some((t) => t.server !== undefined) ? 'on the servers' : 'on the server'}`}</Text>
      {tools.map((tool) => (
        <Box key={`${tool.server ?? ''}\u0000${tool.name}`} flexDirection="column">
          <Text color={theme.accent}>{toolLabel({ tool: tool.name, server: tool.server })}</Text>
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
