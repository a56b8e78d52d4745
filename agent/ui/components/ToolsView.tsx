import { Box, Text } from 'ink';
import type { ToolSummary } from '../../core/engine-types.js';
import { safeBlock } from '../../../config/terminal-text.js';
import { useTheme } from '../contexts/ThemeContext.js';
import { toolLabel } from '../format.js';
import { WrappedText } from './Wrapped.js';
import type { ToolsPage } from '../transcript.js';

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Room for a real description; a novel-length one is cut with a note. */
const DESCRIPTION = { maxLines: 12, maxLineChars: 400 };

/** /tools: each tool (`server › tool` with several servers) with its description (a server's text: made terminal-safe and capped here). */
export function ToolsView({ tools, page, width }: { tools: readonly ToolSummary[]; page?: ToolsPage; width: number }) {
  const theme = useTheme();
  const where = tools.some((t) => t.server !== undefined) ? 'on the servers' : 'on the server';
  // The count is what the model is offered (the number /mcp, the status bar and `mcp list` show); withheld ones are said apart.
  const withheld = page ? (page.withheld ?? 0) : tools.filter((t) => t.withheld !== undefined).length;
  const offered = (page ? page.total : tools.length) - withheld;
  const count = `${plural(offered, 'tool')} ${where}${withheld > 0 ? `, ${withheld} more not offered to the model` : ''}${page ? ` (page ${page.number} of ${page.pages})` : ''}`;
  return (
    <Box flexDirection="column" width={width}>
      <Text bold>{count}</Text>
      {tools.map((tool, i) => (
        <Box key={i} flexDirection="column">
          <Text color={tool.withheld ? undefined : theme.accent} dimColor={tool.withheld !== undefined}>
            {toolLabel({ tool: tool.name, server: tool.server })}
            {tool.withheld ? ` — not offered to the model: ${tool.withheld}` : ''}
          </Text>
          {tool.description ? (
            <Box paddingLeft={2}>
              <WrappedText text={safeBlock(tool.description.trim(), DESCRIPTION)} width={Math.max(1, width - 2)} dim />
            </Box>
          ) : null}
        </Box>
      ))}
      {page && page.number < page.pages ? <Text dimColor>{`/tools ${page.filter !== undefined ? `${page.filter} ` : ''}${page.number + 1} for the next page`}</Text> : null}
    </Box>
  );
}
