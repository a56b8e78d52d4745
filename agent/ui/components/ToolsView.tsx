import { Box, Text } from 'ink';
import type { ToolSummary } from '../../core/engine-types.js';
import { safeBlock } from '../../../config/terminal-text.js';
import { useTheme } from '../contexts/ThemeContext.js';
import { toolLabel } from '../format.js';

/** Room for a real description; a novel-length one is cut with a note. */
const DESCRIPTION = { maxLines: 12, maxLineChars: 400 };

/** /tools: each tool (`server › tool` with several servers) with its description (a server's text: made terminal-safe and capped here). */
export function ToolsView({ tools }: { tools: readonly ToolSummary[] }) {
  const theme = useTheme();
  return (
    <Box flexDirection="column">
      <Text bold>{`${tools.length === 1 ? '1 tool' : `${tools.length} tools`} ${tools.some((t) => t.server !== undefined) ? 'on the servers' : 'on the server'}`}</Text>
      {tools.map((tool, i) => (
        <Box key={i} flexDirection="column">
          <Text color={theme.accent}>{toolLabel({ tool: tool.name, server: tool.server })}</Text>
          {tool.description ? (
            <Box paddingLeft={2}>
              <Text dimColor>{safeBlock(tool.description.trim(), DESCRIPTION)}</Text>
            </Box>
          ) : null}
        </Box>
      ))}
    </Box>
  );
}
