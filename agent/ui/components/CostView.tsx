import { Box, Text } from 'ink';
import { NAME_CHARS, safeLine } from '../../../config/terminal-text.js';
import type { UsageReport } from '../../core/engine-types.js';
import { useTheme } from '../contexts/ThemeContext.js';
import { formatCost, formatTokens } from '../format.js';

const cell = (text: string, width: number): string => (text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width));
const num = (text: string, width: number): string => text.padStart(width);

const MODEL_HEAD = `${cell('model', 22)} ${num('requests', 8)} ${num('input', 7)} ${num('cache write', 11)} ${num('cache read', 10)} ${num('output', 7)} ${num('cost', 8)}`;
const SERVER_HEAD = `${cell('MCP server', 22)} ${num('calls', 6)} ${num('results', 8)} ${num('tool definitions', 17)}`;

/** /cost: tokens and cost by model (input, output, cache writes and reads), what each MCP server added, the context now. */
export function CostView({ report }: { report: UsageReport }) {
  const theme = useTheme();
  const total = report.costUsd !== undefined ? formatCost(report.costUsd) : 'unknown';
  const onlyDemo = report.models.length > 0 && report.models.every((m) => m.model === 'demo');
  return (
    <Box flexDirection="column">
      <Text bold>
        Cost so far: {onlyDemo ? '$0.00 (the offline demo model costs nothing)' : total}
        <Text dimColor> · prices of {report.pricesAsOf}</Text>
      </Text>
      {report.context ? (
        <Text>
          Context: {formatTokens(report.context.tokens)} of {formatTokens(report.context.window)} tokens (
          {Math.round((report.context.tokens / Math.max(1, report.context.window)) * 100)}%)
        </Text>
      ) : null}
      {report.models.length === 0 ? (
        <Text dimColor>No model request yet.</Text>
      ) : (
        <Box flexDirection="column" marginTop={1}>
          <Text dimColor>{MODEL_HEAD}</Text>
          {report.models.map((m) => (
            <Text key={m.model}>
              {cell(safeLine(m.model, NAME_CHARS), 22)} {num(String(m.requests), 8)} {num(formatTokens(m.usage.inputTokens), 7)}{' '}
              {num(formatTokens(m.usage.cacheCreationInputTokens ?? 0), 11)} {num(formatTokens(m.usage.cacheReadInputTokens ?? 0), 10)} {num(formatTokens(m.usage.outputTokens), 7)}{' '}
              {num(m.costUsd !== undefined ? formatCost(m.costUsd) : m.model === 'demo' ? '$0.00' : '?', 8)}
            </Text>
          ))}
        </Box>
      )}
      {report.unpriced.map((model) => (
        <Text key={model} color={theme.warning}>
          ! {safeLine(model, NAME_CHARS)} is not in the price table: its cost is not included.
        </Text>
      ))}
      {report.servers.length > 0 ? (
        <Box flexDirection="column" marginTop={1}>
          <Text dimColor>{SERVER_HEAD}</Text>
          {report.servers.map((s) => (
            <Text key={s.server}>
              {cell(safeLine(s.server, NAME_CHARS), 22)} {num(String(s.calls), 6)} {num(formatTokens(s.resultTokens), 8)}{' '}
              {num(`${formatTokens(s.definitionTokens)}/req · ${formatTokens(s.definitionTokensSent)}`, 17)}
            </Text>
          ))}
          <Text dimColor>results: tokens its tool results added; tool definitions: in each request, and over all requests (estimates)</Text>
        </Box>
      ) : null}
    </Box>
  );
}
