import { Box, Text } from 'ink';
import type { ToolSummary } from '../../core/engine-types.js';
import { NAME_CHARS, safeBlock, safeLine } from '../../../config/terminal-text.js';
import { useTheme } from '../contexts/ThemeContext.js';

/** Room for a real description; a novel-length one is cut with a note. */
const DESCRIPTION = { maxLines: 12, maxLineChars: 400 };

/** /tools: each server tool with its description (a server's text: made terminal-safe and capped here). */
export function ToolsView({ tools }: { tools: readonly ToolSummary[] }) {
  const theme = useTheme();
  return (
    <Box flexDirection="column">
      <Text bold>{tools.length === 1 ? '1 tool on the server' : `${tools.length} tools on the server`}</Text>
      {tools.map((tool, i) => (
        <Box key={i} flexDirection="column">
          <Text color={theme.accent}>{safeLine(tool.name, NAME_CHARS)}</Text>
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
